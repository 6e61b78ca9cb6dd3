/* @refresh reload */
import { render } from 'solid-js/web';
import { App } from './App.tsx';
import './shell/theme.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
render(() => <App />, root);
