import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AppStores } from './app.ts';

export const StoresContext = createContext<AppStores | undefined>(undefined);

/** The app's stores; a component outside the provider is a programming error, said loudly. */
export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores() necesita <StoresContext.Provider> más arriba');
  return stores;
}
