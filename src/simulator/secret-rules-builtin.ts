// The built-in (system) secret detection rules every account starts with. Uuids are stable: the ones the
// release notes show are kept (Shopify, Linear, and the two rules the PUT/bulkUpdate samples change).
import { hash32 } from './prng.js';
import type { Json } from './types.js';

type Row = [category: string, detector: string, severity: string, regex: string, keywords: string[], extra?: { uuid?: string; status?: string; created?: number; groupName?: string | null }];

const ROWS: Row[] = [
  ['AWS', 'AWS Access Key', 'CRITICAL', '(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}', ['akia', 'agpa', 'aida', 'aroa', 'aipa', 'anpa', 'anva', 'asia']],
  ['AWS', 'AWS Secret Access Key', 'CRITICAL', '(?i)aws(.{0,20})?[\'"][0-9a-zA-Z/+]{40}[\'"]', ['aws_secret', 'aws']],
  ['AWS', 'AWS MWS Key', 'HIGH', 'amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', ['amzn.mws']],
  ['GitHub', 'GitHub Personal Access Token', 'CRITICAL', 'ghp_[0-9a-zA-Z]{36}', ['ghp_']],
  ['GitHub', 'GitHub Fine-Grained Personal Access Token', 'CRITICAL', 'github_pat_[0-9a-zA-Z_]{82}', ['github_pat_'], { uuid: 'ff34aaee-e4c2-11ed-b5ea-0242ac120002', created: 1687283760321 }],
  ['GitHub', 'GitHub OAuth Access Token', 'HIGH', 'gho_[0-9a-zA-Z]{36}', ['gho_']],
  ['GitHub', 'GitHub App Token', 'HIGH', '(ghu|ghs)_[0-9a-zA-Z]{36}', ['ghu_', 'ghs_']],
  ['GitHub', 'GitHub Refresh Token', 'HIGH', 'ghr_[0-9a-zA-Z]{36}', ['ghr_']],
  ['GitLab', 'GitLab Personal Access Token', 'CRITICAL', 'glpat-[0-9a-zA-Z\\-_]{20}', ['glpat-'], { uuid: '9559ac14-e4c2-11ed-b5ea-0242ac120002', created: 1687283760544, status: 'Inactive' }],
  ['GitLab', 'GitLab Pipeline Trigger Token', 'HIGH', 'glptt-[0-9a-f]{40}', ['glptt-']],
  ['GitLab', 'GitLab Runner Registration Token', 'HIGH', 'GR1348941[0-9a-zA-Z\\-_]{20}', ['gr1348941']],
  ['Slack', 'Slack Token', 'HIGH', 'xox[baprs]-([0-9a-zA-Z]{10,48})', ['xoxb', 'xoxa', 'xoxp', 'xoxr', 'xoxs']],
  ['Slack', 'Slack Webhook', 'MEDIUM', 'https://hooks\\.slack\\.com/services/T[a-zA-Z0-9_]{8,10}/B[a-zA-Z0-9_]{8,10}/[a-zA-Z0-9_]{24}', ['hooks.slack.com']],
  ['Shopify', 'Shopify Token', 'HIGH', 'shp(ss|at|ca|pa)_[a-fA-F0-9]{32}', ['shppa_', 'shpat_', 'shpca_', 'shpss_'], { uuid: 'c6c4165e-c960-11ed-afa1-0242ac120002', created: 1687283762140, groupName: '' }],
  ['Shopify', 'Shopify Shared Secret', 'HIGH', 'shpss_[a-fA-F0-9]{32}', ['shpss_']],
  ['Linear', 'Linear API Token', 'MEDIUM', 'lin_api_(?i)[a-z0-9]{40}', ['lin_api_'], { uuid: '0da96274-c969-11ed-afa1-0242ac120002', created: 1687283765159 }],
  ['Linear', 'Linear Client Secret', 'MEDIUM', '(?i)linear(.{0,20})?[\'"][a-f0-9]{32}[\'"]', ['linear']],
  ['Stripe', 'Stripe Secret Key', 'CRITICAL', '(sk|rk)_(test|live)_[0-9a-zA-Z]{24,99}', ['sk_test', 'sk_live', 'rk_test', 'rk_live']],
  ['Stripe', 'Stripe Publishable Key', 'LOW', 'pk_(test|live)_[0-9a-zA-Z]{24,99}', ['pk_test', 'pk_live']],
  ['Google', 'GCP API Key', 'HIGH', 'AIza[0-9A-Za-z\\-_]{35}', ['aiza']],
  ['Google', 'GCP Service Account', 'CRITICAL', '"type": "service_account"', ['service_account']],
  ['Google', 'Google OAuth Client Secret', 'HIGH', 'GOCSPX-[0-9a-zA-Z\\-_]{28}', ['gocspx-']],
  ['Azure', 'Azure Storage Account Key', 'CRITICAL', '(?i)AccountKey=[a-zA-Z0-9+/=]{88}', ['accountkey=']],
  ['Azure', 'Azure AD Client Secret', 'HIGH', '[a-zA-Z0-9_~.]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34}', ['q~']],
  ['Private Key', 'RSA Private Key', 'CRITICAL', '-----BEGIN RSA PRIVATE KEY-----', ['-----begin rsa private key-----']],
  ['Private Key', 'OpenSSH Private Key', 'CRITICAL', '-----BEGIN OPENSSH PRIVATE KEY-----', ['-----begin openssh private key-----']],
  ['Private Key', 'EC Private Key', 'CRITICAL', '-----BEGIN EC PRIVATE KEY-----', ['-----begin ec private key-----']],
  ['Private Key', 'PGP Private Key Block', 'CRITICAL', '-----BEGIN PGP PRIVATE KEY BLOCK-----', ['-----begin pgp private key block-----']],
  ['Private Key', 'PKCS8 Private Key', 'CRITICAL', '-----BEGIN PRIVATE KEY-----', ['-----begin private key-----']],
  ['Twilio', 'Twilio API Key', 'HIGH', 'SK[0-9a-fA-F]{32}', ['sk']],
  ['SendGrid', 'SendGrid API Token', 'HIGH', 'SG\\.[0-9A-Za-z\\-_]{22}\\.[0-9A-Za-z\\-_]{43}', ['sg.']],
  ['Mailgun', 'Mailgun Private API Token', 'HIGH', 'key-[0-9a-zA-Z]{32}', ['key-']],
  ['Mailchimp', 'Mailchimp API Key', 'MEDIUM', '[0-9a-f]{32}-us[0-9]{1,2}', ['-us']],
  ['npm', 'npm Access Token', 'HIGH', 'npm_[0-9a-zA-Z]{36}', ['npm_']],
  ['PyPI', 'PyPI Upload Token', 'HIGH', 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9\\-_]{50,1000}', ['pypi-ageichlwas5vcmc']],
  ['RubyGems', 'RubyGems API Token', 'HIGH', 'rubygems_[0-9a-f]{48}', ['rubygems_']],
  ['Docker', 'Docker Hub Personal Access Token', 'HIGH', 'dckr_pat_[0-9a-zA-Z_\\-]{27}', ['dckr_pat_']],
  ['HashiCorp', 'HashiCorp Vault Token', 'CRITICAL', 'hvs\\.[0-9a-zA-Z_\\-]{90,120}', ['hvs.']],
  ['HashiCorp', 'Terraform Cloud API Token', 'HIGH', '[a-zA-Z0-9]{14}\\.atlasv1\\.[a-zA-Z0-9\\-_=]{60,70}', ['atlasv1']],
  ['Atlassian', 'Atlassian API Token', 'MEDIUM', '(?i)atlassian(.{0,20})?[\'"][a-z0-9]{24}[\'"]', ['atlassian', 'confluence', 'jira']],
  ['Bitbucket', 'Bitbucket Client Secret', 'MEDIUM', '(?i)bitbucket(.{0,20})?[\'"][a-z0-9_\\-]{64}[\'"]', ['bitbucket']],
  ['DigitalOcean', 'DigitalOcean Personal Access Token', 'HIGH', 'dop_v1_[a-f0-9]{64}', ['dop_v1_']],
  ['DigitalOcean', 'DigitalOcean OAuth Refresh Token', 'HIGH', 'dor_v1_[a-f0-9]{64}', ['dor_v1_']],
  ['Heroku', 'Heroku API Key', 'HIGH', '(?i)heroku(.{0,20})?[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}', ['heroku']],
  ['Dropbox', 'Dropbox Long-Lived API Token', 'MEDIUM', '(?i)dropbox(.{0,20})?[\'"][a-z0-9]{11}(AAAAAAAAAA)[a-z0-9\\-_=]{43}[\'"]', ['dropbox']],
  ['Datadog', 'Datadog Access Token', 'MEDIUM', '(?i)datadog(.{0,20})?[\'"][a-z0-9]{40}[\'"]', ['datadog']],
  ['New Relic', 'New Relic User API Key', 'MEDIUM', 'NRAK-[A-Z0-9]{27}', ['nrak-']],
  ['New Relic', 'New Relic Insert Key', 'MEDIUM', 'NRII-[a-zA-Z0-9\\-_]{32}', ['nrii-']],
  ['Sentry', 'Sentry Access Token', 'MEDIUM', '(?i)sentry(.{0,20})?[\'"][a-f0-9]{64}[\'"]', ['sentry']],
  ['Okta', 'Okta Access Token', 'HIGH', '(?i)okta(.{0,20})?[\'"]00[a-zA-Z0-9\\-_]{40}[\'"]', ['okta']],
  ['Square', 'Square Access Token', 'HIGH', 'sq0atp-[0-9A-Za-z\\-_]{22}', ['sq0atp-']],
  ['Square', 'Square OAuth Secret', 'HIGH', 'sq0csp-[0-9A-Za-z\\-_]{43}', ['sq0csp-']],
  ['PayPal', 'PayPal Braintree Access Token', 'CRITICAL', 'access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}', ['access_token$production']],
  ['Facebook', 'Facebook Access Token', 'MEDIUM', 'EAACEdEose0cBA[0-9A-Za-z]+', ['eaacedeose0cba']],
  ['Twitter', 'Twitter Bearer Token', 'MEDIUM', 'AAAAAAAAAAAAAAAAAAAAA[0-9A-Za-z%]{30,120}', ['aaaaaaaaaaaaaaaaaaaaa']],
  ['Discord', 'Discord Bot Token', 'MEDIUM', '[MN][A-Za-z\\d]{23}\\.[\\w-]{6}\\.[\\w-]{27}', ['discord']],
  ['Telegram', 'Telegram Bot API Token', 'MEDIUM', '[0-9]{5,16}:A[a-zA-Z0-9_\\-]{34}', ['telegram']],
  ['Postman', 'Postman API Token', 'MEDIUM', 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}', ['pmak-']],
  ['Grafana', 'Grafana Service Account Token', 'HIGH', 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}', ['glsa_']],
  ['Doppler', 'Doppler API Token', 'HIGH', 'dp\\.pt\\.[a-zA-Z0-9]{43}', ['dp.pt.']],
  ['Pulumi', 'Pulumi API Token', 'HIGH', 'pul-[a-f0-9]{40}', ['pul-']],
  ['JWT', 'JSON Web Token', 'LOW', 'ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9/_-]{17,}\\.[a-zA-Z0-9/_-]{10,}', ['eyj'], { status: 'Inactive' }],
  ['Generic', 'Generic API Key', 'LOW', '(?i)(api_key|apikey|secret)(.{0,20})?[\'"][0-9a-zA-Z]{32,45}[\'"]', ['api_key', 'apikey', 'secret'], { status: 'Inactive' }],
  ['Generic', 'Password in URL', 'MEDIUM', '[a-zA-Z]{3,10}://[^/\\s:@]{3,20}:[^/\\s:@]{3,20}@.{1,100}', ['://'], { status: 'Inactive' }],
];

const BASE_CREATED = 1687283760000;

/** A stable UUID-looking id (version-1 layout like the documented ones) derived from the detector name. */
function stableUuid(name: string): string {
  const a = hash32(name).toString(16).padStart(8, '0');
  const b = (hash32(`${name}#`) & 0xffff).toString(16).padStart(4, '0');
  return `${a}-${b.slice(0, 4)}-11ed-afa1-0242ac120002`;
}

/** Fresh copies of the built-in rules, in their read representation (list-item shape). */
export function builtinSecretRules(): Json[] {
  return ROWS.map(([category, secretDetector, severity, regex, keywords, extra], i) => {
    const created = extra?.created ?? BASE_CREATED + i * 101;
    return {
      ruleUuid: extra?.uuid ?? stableUuid(secretDetector),
      type: 'system',
      category,
      severity,
      secretDetector,
      status: extra?.status ?? 'Active',
      regex,
      created,
      updated: created,
      createdBy: 'System',
      updatedBy: 'System',
      keywords: [...keywords],
      groupName: extra && 'groupName' in extra ? extra.groupName : null,
    };
  });
}
