import { useId } from 'preact/hooks';
import { useStores } from '../stores/context.ts';
import { THEME_CHOICES, type ThemeChoice } from '../stores/theme.ts';

/** Claro / Oscuro / Sistema, in the top bar and on the login page. */
export function ThemeSwitch() {
  const { theme } = useStores();
  const id = useId();
  return (
    <div class="theme-switch">
      <label for={id}>Tema</label>
      <select id={id} value={theme.choice.value} onChange={(event) => theme.set(event.currentTarget.value as ThemeChoice)}>
        {THEME_CHOICES.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
