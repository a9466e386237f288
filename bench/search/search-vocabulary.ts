/**
 * The words the seeded log is written with, most frequent first (drawn Zipf-like): the head words end up in a
 * large share of interactions, the tail in few. `RARE_TERMS` are sprinkled into about one interaction in
 * 20,000 each, so that a rare-term search has a few dozen matches in a million rows.
 */
export const VOCABULARY: readonly string[] = `
the to and a of you your is for in it please can my order account i with on this that how what be we have are
not do help thanks need refund payment invoice delivery customer support service issue problem error update
time today when will could should would there they from about password email address change cancel subscription
plan price billing card charge shipping package tracking number status date week month year report data export
api key project team user access login reset verify confirm code message reply question answer information
details request review approve reject policy terms privacy security settings profile notification alert
warning dashboard page screen button link file upload download document pdf image photo video audio translate
summary summarize explain describe list compare recommend suggest improve write draft edit rewrite shorten
formal friendly tone language english french german spanish italian customer's product feature release version
bug fix crash slow fast performance latency timeout server database query index backup restore migrate deploy
cloud region storage bucket network firewall certificate domain dns webhook integration slack calendar meeting
schedule reminder deadline budget forecast revenue cost discount coupon voucher gift return exchange warranty
repair replacement store location opening hours phone chat agent manager escalate complaint feedback survey
rating review star excellent good bad terrible quick late early missing damaged broken wrong size colour colour
small medium large extra shirt shoes jacket laptop phone tablet charger cable battery screen keyboard mouse
monitor printer router modem speaker headphones camera watch television fridge washer dryer oven kettle
coffee tea breakfast lunch dinner recipe ingredient vegetarian vegan gluten allergy menu table booking hotel
flight train bus ticket seat luggage passport visa travel trip holiday beach mountain city museum tour guide
weather forecast rain snow sun wind temperature garden plant flower tree water energy electricity gas meter
bill contract tenant landlord rent deposit mortgage loan interest rate bank transfer balance statement tax
salary payroll employee holiday leave sick manager interview candidate resume job offer onboarding training
course lesson exam grade student teacher school university library book chapter author poem story essay
`
  .split(/\s+/)
  .filter((word) => word.length > 0);

export const RARE_TERMS: readonly string[] = [
  'zeppelin',
  'quokka',
  'marzipan',
  'obsidian',
  'kumquat',
  'theremin',
  'narwhal',
  'sextant',
  'gazpacho',
  'ocelot',
  'sphinx',
  'juniper',
  'tundra',
  'walrus',
  'xylophone',
  'yodel',
  'zircon',
  'bagpipe',
  'cormorant',
  'dirigible',
];

/** Frequent words of the head, and pairs of them, for common-term and two-word searches. */
export const COMMON_TERMS: readonly string[] = [
  'order',
  'refund',
  'payment',
  'delivery',
  'account',
  'invoice',
];
export const WORD_PAIRS: readonly string[] = [
  'refund delivery',
  'password reset',
  'invoice payment',
  'shipping tracking',
  'account email',
  'order cancel',
];
