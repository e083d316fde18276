import { Component, type ComponentChildren } from 'preact';

interface State {
  error: Error | null;
}

/**
 * The last net under the app: a screen that threw shows a way out instead of a blank page.
 * (preact-iso's ErrorBoundary only handles lazy loading; it renders no fallback.)
 */
export class ErrorFallback extends Component<{ children: ComponentChildren }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error) {
    console.error('La consola falló al mostrar una pantalla', error);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <main class="page" role="alert">
        <h1>Algo salió mal</h1>
        <p>La pantalla no se pudo mostrar. Recarga la página; tus mensajes enviados ya están guardados.</p>
        <button type="button" class="button button--primary" onClick={() => location.reload()}>
          Recargar
        </button>
      </main>
    );
  }
}
