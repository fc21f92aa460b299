/** Environment as given to the process; only entry files read `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Sets the process exit code of a command (commands never call process.exit themselves). */
export type SetExit = (code: number) => void;
