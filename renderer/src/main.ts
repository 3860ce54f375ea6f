import { mount } from 'svelte';
import App from './App.svelte';
import { AppState } from './app-state.svelte.ts';
import { createHost } from './host/index.ts';
import { RunLibrary } from './store/library.ts';
import './app.css';

const app = new AppState(createHost(), new RunLibrary());
mount(App, { target: document.getElementById('app')!, props: { app } });
void app.init();
// for end-to-end tests and the console: the state, read-only by convention
(window as unknown as { __trainscope: AppState }).__trainscope = app;
