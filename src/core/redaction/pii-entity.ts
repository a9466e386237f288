/**
 * The closed list of personal data and secrets the redactor can find. Each is recognised by a pattern plus, where
 * the format has one, a checksum or validity rule (Luhn for cards, mod-97 for IBANs, issuing rules for SSNs), so
 * random digit runs are not mistaken for them.
 */
export const PII_ENTITIES = [
  'email',
  'phone',
  'payment_card',
  'iban',
  'us_ssn',
  'uk_nino',
  'ip_address',
  'secret',
] as const;

export type PiiEntity = (typeof PII_ENTITIES)[number];

/** What replaces each entity in stored text: typed, so a reader of the log still sees what kind of value was there. */
export const PII_MASKS: Readonly<Record<PiiEntity, string>> = Object.freeze({
  email: '[EMAIL]',
  phone: '[PHONE]',
  payment_card: '[PAYMENT_CARD]',
  iban: '[IBAN]',
  us_ssn: '[US_SSN]',
  uk_nino: '[UK_NINO]',
  ip_address: '[IP_ADDRESS]',
  secret: '[SECRET]',
});
