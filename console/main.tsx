import { render } from 'preact';
import { App } from './app.tsx';
import { createAppStores } from './stores/app.ts';
import './styles.css';

render(<App stores={createAppStores()} />, document.getElementById('app')!);
