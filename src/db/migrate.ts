import { loadConfig } from "../config/env.js";
import { openDatabase } from "./client.js";

const handle = await openDatabase(loadConfig().database);
await handle.migrate();
await handle.close();
console.log("migrations applied");
