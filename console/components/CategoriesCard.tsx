import { useState } from 'preact/hooks';
import { useStores } from '../stores/context.ts';

/** The category list tickets choose from; admins add to it (categories are never removed: tickets keep theirs). */
export function CategoriesCard() {
  const { categories, toasts } = useStores();
  const [name, setName] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const nombre = name.trim();
    if (!nombre) return;
    const failure = await categories.add(nombre);
    setRefusal(failure);
    if (failure) return;
    setName('');
    toasts.show(`Se agregó la categoría ${nombre.toLowerCase()}.`, 'info');
  }

  return (
    <div class="card" data-testid="categories-card">
      <h2 id="categories-title">Categorías de tickets</h2>
      <ul class="chips" aria-labelledby="categories-title">
        {categories.names.value.map((category) => (
          <li key={category} class="chip">
            {category}
          </li>
        ))}
      </ul>
      <form class="accounts-form" aria-labelledby="new-category-title" onSubmit={(event) => void submit(event)}>
        <h3 id="new-category-title">Nueva categoría</h3>
        <div class="field">
          <label for="new-category-name">Nombre</label>
          <input id="new-category-name" required maxLength={40} autoComplete="off" value={name}
            aria-describedby={refusal ? 'new-category-error' : undefined}
            onInput={(event) => setName(event.currentTarget.value)} />
        </div>
        {refusal && <p id="new-category-error" class="banner banner--error" role="alert">{refusal}</p>}
        <button type="submit" class="button button--success">Agregar categoría</button>
      </form>
    </div>
  );
}
