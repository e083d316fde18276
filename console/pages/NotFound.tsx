export default function NotFound() {
  return (
    <section class="page" aria-labelledby="notfound-title">
      <h1 id="notfound-title">Página no encontrada</h1>
      <p>
        Esta dirección no existe en la consola. <a href="/">Volver a los tickets</a>
      </p>
    </section>
  );
}
