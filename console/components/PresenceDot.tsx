/** A small dot beside a person's name: green when a console of theirs is open. */
export function PresenceDot({ online }: { online: boolean }) {
  return <span class={`presence-dot${online ? ' presence-dot--on' : ''}`} role="img" aria-label={online ? 'en línea' : 'desconectado'} />;
}
