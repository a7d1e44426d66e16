import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from 'react-router';

// React Router types `context` loosely while middleware is off; ours is always the WebContext Express builds.
export type LoaderArgs = Omit<LoaderFunctionArgs, 'context'> & { context: AppLoadContext };
export type ActionArgs = Omit<ActionFunctionArgs, 'context'> & { context: AppLoadContext };
