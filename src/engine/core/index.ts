/** Browser-safe core (the scheduler and renderer import it). Node-only helpers live in their own modules. */
export * from './errors.ts';
export * from './bytes.ts';
export * from './cancel.ts';
export * from './event-bus.ts';
