import { PRIORITY_LABEL } from '../lib/labels.ts';
import { PRIORITIES, type Priority } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';

interface FieldProps<T> {
  id?: string;
  value: T;
  /** The accessible name where no visible <label for> names the control (the table's rows). */
  label?: string;
  onChange: (value: T) => void;
}

/** The ticket's priority as a picker: the same four words in the table and the chat. */
export function PrioritySelect({ id, value, label, onChange }: FieldProps<Priority>) {
  return (
    <select id={id} class={`field-select priority priority--${value}`} aria-label={label} value={value}
      onChange={(event) => onChange(event.currentTarget.value as Priority)}>
      {PRIORITIES.map((priority) => (
        <option key={priority} value={priority}>
          {PRIORITY_LABEL[priority]}
        </option>
      ))}
    </select>
  );
}

/** The category from the admins' list; a ticket's old category not on it still shows. */
export function CategorySelect({ id, value, label, onChange }: FieldProps<string | null>) {
  const names = useStores().categories.names.value;
  const options = value && !names.includes(value) ? [...names, value] : names;
  return (
    <select id={id} class="field-select" aria-label={label} value={value ?? ''}
      onChange={(event) => onChange(event.currentTarget.value || null)}>
      <option value="">Sin categoría</option>
      {options.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}
