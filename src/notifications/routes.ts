import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson } from '../platform/context.ts';
import { notFound } from '../platform/errors.ts';
import { listNotifications, markRead } from './store.ts';

const NotificationView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String({ description: 'e.g. identity_verified, card_ready, binding_confirmed' }),
  code: Type.Union([Type.String(), Type.Null()], {
    description:
      'Catalogue code of the message (e.g. `notice.card_ready`); null for a message stored before codes',
  }),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'The parameters of the code' }),
  title: Type.String({ description: 'In the reader’s language (Accept-Language / lang)' }),
  body: Type.String({ description: 'In the reader’s language' }),
  read: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export async function notificationRoutes(app: App): Promise<void> {
  app.get(
    '/v1/me/notifications',
    {
      schema: {
        operationId: 'listMyNotifications',
        summary: 'The person’s in-app inbox, newest first',
        tags: ['me'],
        security: bearer,
        querystring: Type.Object({ unread: Type.Optional(Type.Boolean()) }),
        response: {
          200: Type.Object({ notifications: Type.Array(NotificationView) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => {
      const caller = requirePerson(req);
      return {
        notifications: await listNotifications(app.db, caller.personId, req.query.unread ?? false, req.lang),
      };
    },
  );

  app.post(
    '/v1/me/notifications/:id/read',
    {
      schema: {
        operationId: 'markMyNotificationRead',
        summary: 'Mark one notification read',
        tags: ['me'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null({ description: 'Marked read' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const caller = requirePerson(req);
      if (!(await markRead(app.db, caller.personId, req.params.id, ctxOf(req).now))) {
        throw notFound('notification_not_found', 'No such notification in your inbox');
      }
      return reply.status(204).send(null);
    },
  );
}
