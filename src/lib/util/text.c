#include "util/text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* The date and time part "YYYY-MM-DDTHH:MM:SS" (19 bytes) of sec. */
static void format_seconds(time_t sec, char *buf)
{
	struct tm tm;
	unsigned y;

	gmtime_r(&sec, &tm);
	y = (unsigned)(tm.tm_year + 1900);
	put2(buf, y / 100);
	put2(buf + 2, y % 100);
	buf[4] = '-';
	put2(buf + 5, (unsigned)tm.tm_mon + 1);
	buf[7] = '-';
	put2(buf + 8, (unsigned)tm.tm_mday);
	buf[10] = 'T';
	put2(buf + 11, (unsigned)tm.tm_hour);
	buf[13] = ':';
	put2(buf + 14, (unsigned)tm.tm_min);
	buf[16] = ':';
	put2(buf + 17, (unsigned)tm.tm_sec);
}

static void split(int64_t ns, time_t *sec, long *frac)
{
	*sec = (time_t)(ns / 1000000000);
	*frac = (long)(ns % 1000000000);
	if (*frac < 0) {
		*frac += 1000000000;
		(*sec)--;
	}
}

void mr_time_format(int64_t ns, char buf[MR_TIME_LEN + 1])
{
	time_t sec;
	long frac;

	/* by hand: this runs once per batch of container output */
	split(ns, &sec, &frac);
	format_seconds(sec, buf);
	buf[19] = '.';
	for (int i = 28; i >= 20; i--) {
		buf[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	buf[29] = 'Z';
	buf[30] = '\0';
}

void mr_time_format_go(int64_t ns, char *buf, size_t size)
{
	char tmp[MR_TIME_LEN + 1];
	size_t n;

	if (ns == 0) {
		snprintf(buf, size, "0001-01-01T00:00:00Z");
		return;
	}
	mr_time_format(ns, tmp);
	/* drop trailing zeros of the fraction, and the '.' if none is left */
	n = 29;
	while (n > 20 && tmp[n - 1] == '0')
		n--;
	if (n == 20)
		n = 19;
	snprintf(buf, size, "%.*sZ", (int)n, tmp);
}

int64_t mr_time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int digits(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* The zone at s[i..len): "Z" or "+hh:mm"/"-hh:mm", as an offset in seconds. */
static int parse_zone(const char *s, size_t i, size_t len, int64_t *offset)
{
	int oh, om;

	if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z')) {
		*offset = 0;
		return 0;
	}
	if (i + 6 != len || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':' || digits(s + i + 1, 2, &oh) ||
	    digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
		return -1;
	*offset = (int64_t)oh * 3600 + om * 60;
	if (s[i] == '-')
		*offset = -*offset;
	return 0;
}

int mr_time_parse(const char *s, size_t len, int64_t *ns)
{
	int y, mo, d, h, mi, se;
	int64_t frac = 0, scale = 100000000, offset, secs;
	size_t i = 19;
	struct tm tm = { 0 };

	if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	if (s[i] == '.') {
		size_t start = ++i;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
		if (i == start)
			return -1;
	}
	if (parse_zone(s, i, len, &offset) < 0)
		return -1;
	/* int64 nanoseconds reach from 1677 to 2262 */
	if (y < 1678 || y > 2261)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	secs = (int64_t)timegm(&tm) - offset;
	*ns = secs * 1000000000 + frac;
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void mr_base64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t i = 0, o = 0;

	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
		out[o++] = b64[v >> 18];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

ssize_t mr_base64_decode(const char *in, size_t len, void *out)
{
	unsigned char *o = out;
	size_t n = 0;

	if (len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		bool last = i + 4 == len;
		for (int k = 0; k < 4; k++) {
			v[k] = b64_value(in[i + k]);
			if (v[k] < 0 && !(last && k >= 2 && in[i + k] == '='))
				return -1;
		}
		if (v[2] < 0 && v[3] >= 0)
			return -1;
		o[n++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (v[2] >= 0)
			o[n++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (v[3] >= 0)
			o[n++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return (ssize_t)n;
}

bool mr_utf8_valid(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1, min = 0x80, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2, min = 0x800, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (i + k >= n)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}
