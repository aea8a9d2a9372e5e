import { ValidationError } from '../constructs/lib/errors';
import {
  Problem, accessModeProblem, accessModesProblem, check, cidrProblem, cronProblem, dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem,
  hostnameProblem, imageProblem, intProblem, ipv4Problem, labelKeyProblem, labelValueProblem, labelsProblem, parseQuantity, portNameProblem, portProblem,
  quantityProblem, storageSizeProblem, timeZoneProblem,
} from '../constructs/lib/validate';

/** "<problem>; <fix>", the way a ValidationError completes "<field> <value> ...". */
function text(p: Problem | undefined): string | undefined {
  return p && `${p.problem}; ${p.fix}`;
}

describe('check', () => {
  test('does nothing without a problem', () => {
    expect(() => check('web', 'name', 'web', undefined)).not.toThrow();
  });

  test('throws a ValidationError naming where, field, value, problem and fix', () => {
    expect(() => check('shop/db', 'storageSize', '10GB', quantityProblem('10GB'))).toThrow(
      new ValidationError('shop/db', 'storageSize', '10GB', 'is not a Kubernetes quantity', 'use e.g. "10Gi" (binary) or "10G" (decimal)'),
    );
    expect(() => check('shop/db', 'storageSize', '10GB', quantityProblem('10GB'))).toThrow(
      'shop/db: storageSize "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)',
    );
  });
});

describe('dns1123LabelProblem', () => {
  test.each(['web', 'a', 'web-1', '1web', 'a'.repeat(63)])('accepts %p', (name) => {
    expect(dns1123LabelProblem(name)).toBeUndefined();
  });

  test.each([
    ['', 'is empty; give a name such as "web"'],
    ['web_api', 'contains "_", which Kubernetes names do not allow; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "web-api"'],
    ['Web', 'contains upper-case letters; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "web"'],
    ['-web', 'is not a valid RFC 1123 label; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "web"'],
    ['web-', 'is not a valid RFC 1123 label; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "web"'],
    ['web.shop', 'is not a valid RFC 1123 label; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "web-shop"'],
    ['a'.repeat(64), 'is 64 characters long, more than the 63 allowed; shorten it to at most 63 characters'],
  ])('fails for %p', (name, message) => {
    expect(text(dns1123LabelProblem(name))).toBe(message);
  });

  test('honours a smaller limit (CronJob: 52)', () => {
    expect(dns1123LabelProblem('a'.repeat(52), 52)).toBeUndefined();
    expect(text(dns1123LabelProblem('a'.repeat(53), 52))).toBe('is 53 characters long, more than the 52 allowed; shorten it to at most 52 characters');
  });

  test('fails for a value that is not a string', () => {
    expect(text(dns1123LabelProblem(42 as unknown as string))).toBe('is empty; give a name such as "web"');
  });
});

describe('dns1123SubdomainProblem', () => {
  test.each(['web', 'shop.example.com', 'high-priority', 'a'.repeat(253), `${'a'.repeat(64)}.example.com`])('accepts %p', (name) => {
    expect(dns1123SubdomainProblem(name)).toBeUndefined();
  });

  test.each([
    ['', 'is empty; give a name such as "web"'],
    ['db_config', 'contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels of letters, digits and "-"'],
    ['Shop.example.com', 'contains upper-case letters; use dot-separated lower-case labels of letters, digits and "-"'],
    ['shop..example', 'is not a valid RFC 1123 subdomain; use dot-separated lower-case labels of letters, digits and "-"'],
    ['.shop', 'is not a valid RFC 1123 subdomain; use dot-separated lower-case labels of letters, digits and "-"'],
    ['a'.repeat(254), 'is 254 characters long, more than the 253 allowed; shorten it to at most 253 characters'],
  ])('fails for %p', (name, message) => {
    expect(text(dns1123SubdomainProblem(name))).toBe(message);
  });
});

describe('dns1035LabelProblem', () => {
  test.each(['web', 'w1', 'web-api'])('accepts %p', (name) => {
    expect(dns1035LabelProblem(name)).toBeUndefined();
  });

  test.each([
    ['1web', 'must start with a letter (RFC 1035 label); prefix it with a letter, e.g. "s-1web"'],
    ['web_api', 'contains "_", which Kubernetes names do not allow; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "web-api"'],
    ['', 'is empty; give a name such as "web"'],
  ])('fails for %p', (name, message) => {
    expect(text(dns1035LabelProblem(name))).toBe(message);
  });
});

describe('hostnameProblem', () => {
  test.each(['shop.example.com', '*.example.com', 'a.b'])('accepts %p', (host) => {
    expect(hostnameProblem(host)).toBeUndefined();
  });

  test.each([
    ['localhost', 'is not a fully qualified host name; use a DNS name such as "shop.example.com"'],
    ['Shop.example.com', 'contains upper-case letters; use a DNS name such as "shop.example.com"'],
    ['shop_1.example.com', 'contains "_", which Kubernetes names do not allow; use a DNS name such as "shop.example.com"'],
    ['*', 'is not a valid RFC 1123 subdomain; use a DNS name such as "shop.example.com"'],
    [`${'a'.repeat(64)}.example.com`, 'has a DNS label longer than 63 characters; shorten each dot-separated part to at most 63 characters'],
  ])('fails for %p', (host, message) => {
    expect(text(hostnameProblem(host))).toBe(message);
  });
});

describe('labelKeyProblem', () => {
  test.each(['app', 'app.kubernetes.io/name', 'example.com/My_Key.v1', 'a'.repeat(63), `example.com/${'a'.repeat(63)}`])('accepts %p', (key) => {
    expect(labelKeyProblem(key)).toBeUndefined();
  });

  test.each([
    ['', 'is empty; use a key such as "app.kubernetes.io/name"'],
    ['Example.com/name', 'has a prefix "Example.com" that is not a DNS subdomain; use a lower-case DNS prefix such as "example.com/"'],
    ['/name', 'has a prefix "" that is not a DNS subdomain; use a lower-case DNS prefix such as "example.com/"'],
    ['example.com/', 'is not a valid label key; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['bad key', 'is not a valid label key; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['-app', 'is not a valid label key; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    [`example.com/${'a'.repeat(64)}`, 'has a name part of 64 characters, more than 63; shorten the part after "/"'],
  ])('fails for %p', (key, message) => {
    expect(text(labelKeyProblem(key))).toBe(message);
  });
});

describe('labelValueProblem', () => {
  test.each(['', 'web', '1.2.3', 'My_Value-1', 'a'.repeat(63)])('accepts %p', (value) => {
    expect(labelValueProblem(value)).toBeUndefined();
  });

  test.each([
    ['a'.repeat(64), 'is 64 characters long, more than 63; shorten it to at most 63 characters'],
    ['v1 beta', 'is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['-v1', 'is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['v1.', 'is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['team/web', 'is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
  ])('fails for %p', (value, message) => {
    expect(text(labelValueProblem(value))).toBe(message);
  });

  test('fails for a value that is not a string', () => {
    expect(text(labelValueProblem(3 as unknown as string))).toBe('is not a string; quote the value');
  });
});

describe('labelsProblem', () => {
  test('accepts the recommended labels', () => {
    expect(labelsProblem({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '1.2.3', tier: '' })).toBeUndefined();
  });

  test.each([
    [{ 'bad key': 'v' }, 'has key "bad key" that is not a valid label key; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    [{ app: 'a b' }, 'has value "a b" for "app" that is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
  ])('fails for %p', (labels, message) => {
    expect(text(labelsProblem(labels))).toBe(message);
  });
});

describe('quantityProblem', () => {
  test.each<string | number>(['1.5Gi', '500m', '1e3', '10Gi', '128Mi', '1', '0.5', '.5', '+1', '2k', '1E', '1e-3', 0, 2.5])('accepts %p', (value) => {
    expect(quantityProblem(value)).toBeUndefined();
  });

  test.each<[string | number, string]>([
    ['10GB', 'is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)'],
    ['512mb', 'is not a Kubernetes quantity; use e.g. "512Mi" (binary) or "512M" (decimal)'],
    ['1.5 GiB', 'is not a Kubernetes quantity; use e.g. "1.5Gi" (binary) or "1.5G" (decimal)'],
    ['100kb', 'is not a Kubernetes quantity; use e.g. "100Ki" (binary) or "100k" (decimal)'],
    ['-1Gi', 'is negative; use a positive amount such as "10Gi"'],
    ['Gi', 'is not a Kubernetes quantity; use e.g. "10Gi"'],
    ['', 'is not a Kubernetes quantity; use e.g. "10Gi"'],
    ['10K', 'is not a Kubernetes quantity; use e.g. "10Gi"'],
    ['1,5Gi', 'is not a Kubernetes quantity; use e.g. "10Gi"'],
    [-1, 'is not a non-negative number; use e.g. "10Gi"'],
    [Number.NaN, 'is not a non-negative number; use e.g. "10Gi"'],
  ])('fails for %p', (value, message) => {
    expect(text(quantityProblem(value))).toBe(message);
  });

  test('uses the example it is given', () => {
    expect(text(quantityProblem('lots', '500m'))).toBe('is not a Kubernetes quantity; use e.g. "500m"');
  });
});

describe('parseQuantity', () => {
  test.each<[string | number, number]>([
    ['1Gi', 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['500m', 0.5],
    ['1e3', 1000],
    ['2k', 2000],
    ['128Mi', 128 * 2 ** 20],
    ['1', 1],
    ['-1Gi', -(2 ** 30)],
    [3, 3],
  ])('%p is %p', (value, expected) => {
    expect(parseQuantity(value)).toBeCloseTo(expected);
  });

  test('throws for a value that is not a quantity', () => {
    expect(() => parseQuantity('10GB')).toThrow('"10GB" is not a Kubernetes quantity');
  });
});

describe('cronProblem', () => {
  test.each([
    '@daily', '@hourly', '@weekly', '@monthly', '@yearly', '@annually', '@midnight',
    '0 2 * * MON-FRI', '30 3 * * *', '*/15 * * * *', '0 0 1 JAN *', '0 9-17/2 * * 1-5', '0 0 ? * SUN', '5,35 * * * *',
    '0 0 * * 0', '0 0 * * 6', '0 0 * * sat', '10/5 * * * *',
  ])('accepts %p', (schedule) => {
    expect(cronProblem(schedule)).toBeUndefined();
  });

  const five = 'use five fields "minute hour day-of-month month day-of-week", e.g. "30 2 * * *"';
  test.each([
    ['61 * * * *', `has minute "61" outside 0-59; ${five}`],
    ['0 24 * * *', `has hour "24" outside 0-23; ${five}`],
    ['0 0 0 * *', `has day of month "0" outside 1-31; ${five}`],
    ['0 0 * 13 *', `has month "13" outside 1-12; ${five}`],
    ['0 0 * * 8', `has day of week "8" outside 0-6; ${five}`],
    // The API server parses with robfig/cron, whose day of week is 0-6: 7 is refused, not Sunday.
    ['0 0 * * 7', 'has day of week "7" outside 0-6; write Sunday as 0 or SUN'],
    ['0 0 * * 5-7', 'has day of week "5-7" outside 0-6; write Sunday as 0 or SUN'],
    ['TZ=Asia/Tokyo 0 * * * *', 'sets a time zone inside the schedule, which Kubernetes rejects; remove the TZ= prefix and set timeZone, e.g. "Asia/Tokyo"'],
    ['CRON_TZ=UTC 0 * * * *', 'sets a time zone inside the schedule, which Kubernetes rejects; remove the TZ= prefix and set timeZone, e.g. "Asia/Tokyo"'],
    ['*/0 * * * *', `has step 0 in minute "*/0"; ${five}`],
    ['0 * * *', `has 4 fields, not 5; ${five}`],
    ['0 0 * * * *', `has 6 fields, not 5; ${five}`],
    ['', `is empty; ${five}`],
    ['   ', `is empty; ${five}`],
    ['@fortnightly', `has 1 fields, not 5; ${five}`],
    ['? * * * *', `uses "?" in the minute field; ${five}`],
    ['0 0 * * FRI-MON', `has an empty range "FRI-MON" in day of week; ${five}`],
    ['0 0 * FOO *', `has month "FOO" outside 1-12; ${five}`],
    ['1-2-3 * * * *', `has an unreadable minute "1-2-3"; ${five}`],
    ['*/x * * * *', `has an unreadable minute "*/x"; ${five}`],
  ])('fails for %p', (schedule, message) => {
    expect(text(cronProblem(schedule))).toBe(message);
  });
});

describe('timeZoneProblem', () => {
  // Links such as Asia/Kolkata and Europe/Kyiv are valid IANA names Kubernetes accepts, though ICU lists older spellings.
  test.each(['Asia/Tokyo', 'Etc/UTC', 'UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])(
    'accepts %p',
    (zone) => {
      expect(timeZoneProblem(zone)).toBeUndefined();
    },
  );

  test.each(['asia/tokyo', 'Asia/tokyo', 'Tokyo', 'JST+9', 'Local', '', 'Mars/Olympus_Mons'])('fails for %p', (zone) => {
    expect(text(timeZoneProblem(zone))).toBe('is not an IANA time zone name; use a name such as "Asia/Tokyo" or "Etc/UTC"');
  });
});

describe('timeZoneProblem refuses what ICU resolves but Kubernetes does not', () => {
  // Go's tzdata (time.LoadLocation) refuses "JST" and "PST", reads "CET" and "EST" as other zones than
  // ICU does, and has no "SystemV/" zones; "GMT" is spelled "Etc/GMT" or "UTC" here.
  test.each(['JST', 'PST', 'CET', 'EST', 'EST5EDT', 'GMT', 'Japan', 'SystemV/AST4'])('fails for %p', (zone) => {
    expect(text(timeZoneProblem(zone))).toBe('is not an IANA time zone name; use a name such as "Asia/Tokyo" or "Etc/UTC"');
  });

  test.each(['Asia/Tokyo', 'Etc/GMT', 'US/Eastern'])('still accepts %p', (zone) => {
    expect(timeZoneProblem(zone)).toBeUndefined();
  });
});

describe('portNameProblem', () => {
  test.each(['http', 'metrics', 'grpc-web', 'h2c', 'a'.repeat(15), '8080-tcp'])('accepts %p', (name) => {
    expect(portNameProblem(name)).toBeUndefined();
  });

  test.each(['', 'HTTP', 'http_alt', 'metrics-endpoint1', '8080', '-http', 'http-', 'grpc--web', 42 as unknown as string])('fails for %p', (name) => {
    expect(text(portNameProblem(name))).toBe('is not a valid port name; use at most 15 lower-case letters, digits and "-", with at least one letter, e.g. "http"');
  });
});

describe('ipv4Problem', () => {
  test.each(['10.0.0.12', '0.0.0.0', '255.255.255.255'])('accepts %p', (ip) => {
    expect(ipv4Problem(ip)).toBeUndefined();
  });

  test.each(['10.0.0.256', '10.0.0', '10.0.0.1/32', '010.0.0.1', '2001:db8::1', ''])('fails for %p', (ip) => {
    expect(text(ipv4Problem(ip))).toBe('is not an IPv4 address; use e.g. "10.0.0.12"');
  });
});

describe('cidrProblem', () => {
  test.each(['10.0.0.0/8', '203.0.113.7/32', '0.0.0.0/0', '2001:db8::/32', '::/0', 'fd00::/128'])('accepts %p', (cidr) => {
    expect(cidrProblem(cidr)).toBeUndefined();
  });

  test.each(['10.0.0.0/33', '10.0.0.1', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/08', '010.0.0.0/8', '2001:db8::/129', 'fe80::1%eth0/64', 'web', ''])('fails for %p', (cidr) => {
    expect(text(cidrProblem(cidr))).toBe('is not a CIDR; use e.g. "10.0.0.0/8" or "203.0.113.7/32"');
  });

  test('restricts to one address family when asked', () => {
    expect(cidrProblem('203.0.113.0/24', 4)).toBeUndefined();
    expect(text(cidrProblem('2001:db8::/32', 4))).toBe('is not an IPv4 CIDR; use e.g. "203.0.113.0/24"');
    expect(cidrProblem('2001:db8::/32', 6)).toBeUndefined();
    expect(text(cidrProblem('203.0.113.0/24', 6))).toBe('is not an IPv6 CIDR; use e.g. "2001:db8::/32"');
  });
});

describe('accessModeProblem and accessModesProblem', () => {
  test.each(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'])('accepts %p', (mode) => {
    expect(accessModeProblem(mode)).toBeUndefined();
  });

  test('fails for an unknown mode', () => {
    expect(text(accessModeProblem('RWO'))).toBe('is not an access mode; use one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod');
  });

  test.each([[['ReadWriteOnce']], [['ReadWriteMany', 'ReadOnlyMany']], [['ReadWriteOncePod']]])('accepts the list %p', (modes) => {
    expect(accessModesProblem(modes)).toBeUndefined();
  });

  test.each([
    [[], 'is empty; give at least one, e.g. ["ReadWriteOnce"]'],
    [['ReadWriteOnce', 'ReadWriteOnce'], 'lists a mode twice; list each mode once'],
    [['ReadWriteOncePod', 'ReadOnlyMany'], 'combines ReadWriteOncePod with other modes, which the API server refuses; use ReadWriteOncePod alone'],
  ])('fails for the list %p', (modes, message) => {
    expect(text(accessModesProblem(modes))).toBe(message);
  });
});

describe('storageSizeProblem', () => {
  test.each(['10Gi', '500Mi', '1'])('accepts %p', (size) => {
    expect(storageSizeProblem(size)).toBeUndefined();
  });

  test.each([
    ['0', 'is zero; give a size such as "10Gi"'],
    ['0Gi', 'is zero; give a size such as "10Gi"'],
    ['10GB', 'is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)'],
    ['-1Gi', 'is negative; use a positive amount such as "10Gi"'],
  ])('fails for %p', (size, message) => {
    expect(text(storageSizeProblem(size))).toBe(message);
  });
});

describe('intProblem and portProblem', () => {
  test.each<[number, number, number | undefined]>([[0, 0, undefined], [5, 1, 10], [10, 1, 10]])('accepts %p in [%p, %p]', (value, min, max) => {
    expect(intProblem(value, min, max)).toBeUndefined();
  });

  test.each<[number, number, number | undefined, string]>([
    [1.5, 0, undefined, 'is not a whole number; use a whole number from 0 up'],
    [11, 1, 10, 'is out of range; use a whole number from 1 to 10'],
    [-1, 0, undefined, 'is out of range; use a whole number from 0 up'],
    [Number.NaN, 0, 5, 'is not a whole number; use a whole number from 0 to 5'],
  ])('fails for %p in [%p, %p]', (value, min, max, message) => {
    expect(text(intProblem(value, min, max))).toBe(message);
  });

  test('fails for a string', () => {
    expect(text(intProblem('3' as unknown as number, 0))).toBe('is not a whole number; use a whole number from 0 up');
  });

  test.each([1, 80, 65535])('accepts port %p', (port) => {
    expect(portProblem(port)).toBeUndefined();
  });

  test.each([0, 65536, 80.5])('fails for port %p', (port) => {
    expect(portProblem(port)?.fix).toBe('use a whole number from 1 to 65535');
  });
});

describe('imageProblem', () => {
  test.each([
    'nginxinc/nginx-unprivileged:1.27-alpine',
    'nginx:1.27',
    'localhost:5000/app:1.0',
    'gcr.io/project/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'ghcr.io/org/app:v1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  ])('accepts %p', (image) => {
    expect(imageProblem(image)).toBeUndefined();
  });

  test.each([
    ['nginx', 'has no tag, so it means ":latest" and changes under you; pin a version, e.g. "nginx:1.2.3", or a digest'],
    ['localhost:5000/app', 'has no tag, so it means ":latest" and changes under you; pin a version, e.g. "localhost:5000/app:1.2.3", or a digest'],
    ['nginx:latest', 'uses the moving tag "latest"; pin a version tag or a digest'],
    ['nginx:', 'has an empty tag; pin a version, e.g. "nginx:1.2.3", or a digest'],
    ['', 'is not an image reference; use e.g. "nginxinc/nginx-unprivileged:1.27-alpine"'],
    ['nginx :1.27', 'is not an image reference; use e.g. "nginxinc/nginx-unprivileged:1.27-alpine"'],
  ])('fails for %p', (image, message) => {
    expect(text(imageProblem(image))).toBe(message);
  });
});
