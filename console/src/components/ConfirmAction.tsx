// A release action: a button that asks for confirmation in a dialog, runs the call, and shows the
// API's answer (its problem in words on a 4xx). Shown only to keys that may act.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, type ReactNode } from 'react';
import { useSession } from '../api/session';
import { ProblemView } from './states';

export function ConfirmAction(props: {
  label: string;
  /** What the dialog asks, e.g. "Pause Welcome? New customers stop entering." */
  question: ReactNode;
  run: () => Promise<unknown>;
  /** Extra fields (forms for experiments, rollouts) shown in the dialog. */
  children?: ReactNode;
  danger?: boolean;
}) {
  const { canAct } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const queries = useQueryClient();
  const action = useMutation({
    mutationFn: props.run,
    onSuccess: async () => {
      dialog.current?.close();
      await queries.invalidateQueries();
    },
  });
  if (!canAct) return null;
  return (
    <>
      <button type="button" className={props.danger ? 'danger' : undefined} onClick={() => dialog.current?.showModal()}>
        {props.label}
      </button>
      <dialog ref={dialog} aria-label={props.label} onClose={() => action.reset()}>
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            action.mutate();
          }}
        >
          <p>{props.question}</p>
          {props.children}
          {action.isError && <ProblemView error={action.error} />}
          <div className="actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={action.isPending}>
              {action.isPending ? 'Working…' : `Yes, ${props.label.toLowerCase()}`}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
