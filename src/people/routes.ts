import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole } from '../platform/context.ts';
import { notFound } from '../platform/errors.ts';
import { IdNumberField, PersonView } from './schemas.ts';
import { findPersonByIdNumber, getPerson, parseIdNumber } from './store.ts';

export async function peopleRoutes(app: App): Promise<void> {
  app.get(
    '/v1/staff/persons',
    {
      schema: {
        operationId: 'findPerson',
        summary: 'Look up an insured person of the staff member’s region by ID number',
        tags: ['identity'],
        security: bearer,
        querystring: Type.Object({ idNumber: IdNumberField }),
        response: { 200: PersonView, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (req) => {
      const staff = requireRole(req, 'staff', 'admin');
      const id = parseIdNumber(req.query.idNumber, ctxOf(req).now);
      const person = await findPersonByIdNumber(app.db, id.idNumber);
      // Staff see only their own region; admins see all.
      if (!person || (staff.role === 'staff' && person.regionCode !== staff.regionCode)) {
        throw notFound('person_not_found', 'No insured person with this ID number in your region');
      }
      return person;
    },
  );

  app.patch(
    '/v1/staff/persons/:id',
    {
      schema: {
        operationId: 'updatePersonStatus',
        summary: 'Change an insured person’s status or retired flag',
        tags: ['identity'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('ended')]),
            ),
            retired: Type.Optional(Type.Boolean()),
          },
          { minProperties: 1 },
        ),
        response: { 200: PersonView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const staff = requireRole(req, 'staff', 'admin');
      const person = await getPerson(app.db, req.params.id);
      if (staff.role === 'staff' && person.regionCode !== staff.regionCode) {
        throw notFound('person_not_found', 'No such person in your region');
      }
      await app.db.query(
        'update persons set status = coalesce($2, status), retired = coalesce($3, retired) where id = $1',
        [person.id, req.body.status ?? null, req.body.retired ?? null],
      );
      return getPerson(app.db, person.id);
    },
  );
}
