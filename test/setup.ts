import "reflect-metadata";

// Every GraphQL request logs a line at info: tests keep warnings and errors only.
process.env.LOG_LEVEL ??= "warn";
