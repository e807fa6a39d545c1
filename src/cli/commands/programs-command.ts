// `kairos programs apply -f program.json`: programs as code. Brings the admin API in line with a
// definition kept in a repository: creates the program or saves its draft, publishes it when it
// differs from the latest version, and with --launch makes that version live. Every step is a
// no-op when nothing changed, so applying the same file twice changes nothing.
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Command } from 'commander';
import { createProgramSchema } from '../../contracts/program-language/program-schema';
import { createAdminClient, type AdminRequest } from '../admin-client';
import { EXIT_FAILED, EXIT_OK, println, type CliContext } from '../cli-context';

interface ApplyOptions {
  file: string;
  launch?: boolean;
  apiUrl?: string;
  apiKey?: string;
}

export function registerProgramsCommand(program: Command, ctx: CliContext): void {
  const programs = program.command('programs').description('Programs as code, through the admin API');
  programs
    .command('apply')
    .description('Create or update a program from a file ({ "id", "definition" }) and publish it if it changed')
    .requiredOption('-f, --file <path>', 'the program file')
    .option('--launch', 'also make the published version the live one')
    .option('--api-url <url>', 'the admin API (default: KAIROS_API_URL, else http://127.0.0.1:3000)')
    .option('--api-key <key>', 'an API key with the admin scope (default: KAIROS_API_KEY)')
    .action(async (opts: ApplyOptions) => {
      ctx.exitCode = await apply(opts, ctx);
    });
}

async function apply(opts: ApplyOptions, ctx: CliContext): Promise<number> {
  const config = ctx.services.adminApi();
  const apiKey = opts.apiKey ?? config.apiKey;
  if (!apiKey) {
    ctx.io.err('kairos: no API key: pass --api-key or set KAIROS_API_KEY\n');
    return EXIT_FAILED;
  }
  const parsed = createProgramSchema.safeParse(JSON.parse(await readFile(opts.file, 'utf8')));
  if (!parsed.success) {
    ctx.io.err(
      `kairos: ${opts.file} is not a program file:\n` +
        `${parsed.error.issues.map((i) => `  $.${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
    );
    return EXIT_FAILED;
  }
  const { id, definition } = parsed.data;
  const request = createAdminClient({ url: (opts.apiUrl ?? config.url).replace(/\/$/, ''), apiKey });
  const changes = [
    await saveDraft(request, id, definition),
    await publishAndLaunch(request, id, opts.launch ?? false),
  ].flat();
  for (const line of changes) println(ctx.io, `${id}: ${line}`);
  println(
    ctx.io,
    changes.some((c) => !c.includes('unchanged') && !c.includes('already')) ? `${id}: applied` : `${id}: no changes`,
  );
  return EXIT_OK;
}

async function saveDraft(request: AdminRequest, id: string, definition: Record<string, unknown>): Promise<string> {
  const existing = await request('GET', `/v1/programs/${id}`, undefined, [404]);
  if (existing.status === 404) {
    await request('POST', '/v1/programs', { id, definition });
    return 'created';
  }
  if (isDeepStrictEqual(existing.body.draft, definition)) return 'draft unchanged';
  await request('PUT', `/v1/programs/${id}/draft`, { definition });
  return 'draft saved';
}

async function publishAndLaunch(request: AdminRequest, id: string, launch: boolean): Promise<string[]> {
  const published = await request('POST', `/v1/programs/${id}/versions`);
  const version = published.body.version as number;
  const lines = [published.body.unchanged ? `version ${version} unchanged` : `published version ${version}`];
  if (launch) {
    const program = (await request('GET', `/v1/programs/${id}`)).body;
    if (program.status === 'live' && program.liveVersion === version) lines.push(`version ${version} already live`);
    else {
      await request('POST', `/v1/programs/${id}/launch`, { version });
      lines.push(`launched version ${version}`);
    }
  }
  return lines;
}
