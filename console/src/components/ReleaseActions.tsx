// The program's release actions: publish the draft, launch a version, change its state, and start
// an experiment or a staged rollout. Each asks first and shows the API's answer in words.
import { ROUTES } from '../../../src/contracts/routes';
import { actionsFrom } from '../../../src/programs/program-states';
import { call, type Answer } from '../api/client';
import { useSession } from '../api/session';
import { ConfirmAction } from './ConfirmAction';
import { StartExperiment } from './StartExperiment';
import { StartRollout } from './StartRollout';
import { useState } from 'react';

type Program = Answer<typeof ROUTES.programs.get>;

export function ReleaseActions(props: { program: Program }) {
  const { program } = props;
  const { key, canAct } = useSession();
  const versions = program.versions.filter((v) => !v.retiredAt).map((v) => v.version);
  const [launchVersion, setLaunchVersion] = useState<number>();
  if (!canAct) return null;
  const id = { id: program.id };
  const chosen = launchVersion ?? versions.at(-1);
  return (
    <div className="release-actions" role="toolbar" aria-label="Release actions">
      <ConfirmAction
        label="Publish draft"
        question={`Publish the draft of ${program.name} as a new version? It is validated in full first.`}
        run={() => call(key, ROUTES.programs.publish, id, {})}
      />
      {versions.length > 0 && (
        <ConfirmAction
          label="Launch"
          question={`Launch a version of ${program.name}: new customers enter it at once.`}
          run={() => call(key, ROUTES.programs.launch, id, { version: chosen! })}
        >
          <label>
            Version{' '}
            <select value={chosen} onChange={(e) => setLaunchVersion(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
        </ConfirmAction>
      )}
      {actionsFrom(program.status).map((action) => (
        <ConfirmAction
          key={action}
          label={action[0]!.toUpperCase() + action.slice(1)}
          danger={action === 'stop' || action === 'archive'}
          question={`${action[0]!.toUpperCase() + action.slice(1)} ${program.name}?`}
          run={() => call(key, ROUTES.programs[action], id)}
        />
      ))}
      {program.status === 'live' && versions.length > 0 && (
        <>
          <StartExperiment programId={program.id} versions={versions} />
          <StartRollout programId={program.id} versions={versions} />
        </>
      )}
    </div>
  );
}
