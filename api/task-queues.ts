/** The task queue every Ballast worker polls unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'ballast';
