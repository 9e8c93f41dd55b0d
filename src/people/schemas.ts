import { Type } from 'typebox';
import { RenderedText } from '../i18n/fastify.ts';

export const IdNumberField = Type.String({
  minLength: 18,
  maxLength: 18,
  description: 'Citizen ID number (GB 11643), which is also the social security number',
  examples: ['11010519491231002X'],
});
export const NameField = Type.String({
  minLength: 1,
  maxLength: 50,
  description: 'Full name as on the ID card',
});
export const RegionCodeField = Type.String({
  minLength: 2,
  maxLength: 12,
  description: 'Insurance region code, e.g. `demo`',
});
const InsuranceTypeField = Type.Union([
  Type.Literal('employee'),
  Type.Literal('resident'),
  Type.Literal('flexible'),
]);

export const PersonView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    idNumber: Type.String(),
    name: Type.String(),
    gender: Type.Union([Type.Literal('male'), Type.Literal('female')]),
    birthDate: Type.String({ format: 'date' }),
    regionCode: Type.String(),
    insuranceType: InsuranceTypeField,
    retired: Type.Boolean(),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('ended')]),
    employerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    identityStatus: Type.Union([
      Type.Literal('unverified'),
      Type.Literal('pending_review'),
      Type.Literal('verified'),
      Type.Literal('rejected'),
    ]),
    identityReason: Type.Union([RenderedText(), Type.Null()]),
  },
  { title: 'Person' },
);
