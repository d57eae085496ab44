/** `npx projen db:connect --stage NAME [--user NAME] [--instance] [--local-port N] [--print]` (see db-connect.ts). */
import { stackConfig } from '../stack-config.js';
import { dbConnect, DbConnectError, parseDbConnectArgs } from './db-connect.js';
import { realDependencies, removePrivateFiles } from './system-dependencies.js';

async function main(): Promise<number> {
  try {
    return await dbConnect(stackConfig, parseDbConnectArgs(process.argv.slice(2)), realDependencies);
  } catch (error) {
    if (error instanceof DbConnectError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`db:connect: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  } finally {
    await removePrivateFiles();
  }
}

process.exitCode = await main();
