import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { apiDelete } from '../../api/client.js';
import { ConfirmNotice } from '../../components/confirm-notice.js';
import { endUserApiPath } from './principal-types.js';

/** Deletes an end user after a confirmation, then returns to the list. */
export function DeleteEndUser({ id }: { id: string }) {
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => apiDelete<void>(endUserApiPath(id)),
    // Leave the page first: removing the entry while the page still shows it would refetch it into a 404.
    onSuccess: async () => {
      await navigate('/principals');
      queryClient.removeQueries({ queryKey: ['principal', id] });
      await queryClient.invalidateQueries({ queryKey: ['principals'] });
    },
  });
  if (!confirming) {
    return (
      <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
        Delete end user
      </button>
    );
  }
  return (
    <ConfirmNotice
      label={`Delete ${id}?`}
      confirmText="Confirm delete"
      failureTitle="Could not delete"
      action={remove}
      onCancel={() => setConfirming(false)}
    >
      Delete <strong>{id}</strong>? Keys that name this end user are refused from then on; a sync file that
      lists them adds them back.
    </ConfirmNotice>
  );
}
