/* Endless-stream generator for the watch memory benchmark: writes BYTES bytes of time-sorted
 * JSON lines (~340 B/line) of the gen-corpus services and handoffs (same seam.yaml) to stdout,
 * with one dropped payment receive in every 500 transactions. Deterministic.
 * Build: gcc -O2 -o stream-gen stream-gen.c ; run: stream-gen BYTES | seam watch --spec seam.yaml - */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { long long t; char line[400]; } Pending;
static Pending heap[4096];
static int n;

static void push(long long t, const char *line) {
    int i = n++;
    while (i > 0 && heap[(i - 1) / 2].t > t) { heap[i] = heap[(i - 1) / 2]; i = (i - 1) / 2; }
    heap[i].t = t;
    snprintf(heap[i].line, sizeof heap[i].line, "%s", line);
}

static Pending pop(void) {
    Pending top = heap[0], last = heap[--n];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && heap[c + 1].t < heap[c].t) c++;
        if (heap[c].t >= last.t) break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = last;
    return top;
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned long long next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static const char *PAD = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt";

static void event(long long us, const char *service, const char *event, const char *keyField, const char *key,
                  const char *extra) {
    char line[400];
    long long s = us / 1000000, frac = us % 1000000;
    int hh = (int)(s / 3600 % 24), mm = (int)(s / 60 % 60), ss = (int)(s % 60);
    long long day = s / 86400;
    snprintf(line, sizeof line,
             "{\"ts\":\"2026-11-%02lldT%02d:%02d:%02d.%06lldZ\",\"service\":\"%s\",\"level\":\"info\",\"event\":\"%s\","
             "\"%s\":\"%s\"%s,\"host\":\"eu-node-%02d\",\"trace\":{\"trace_id\":\"%016llx%016llx\"},\"msg\":\"%.*s\"}\n",
             1 + day % 28, hh, mm, ss, frac, service, event, keyField, key, extra, (int)(next() % 40),
             next(), next(), 40 + (int)(next() % 40), PAD);
    push(us, line);
}

int main(int argc, char **argv) {
    long long limit = argc > 1 ? atoll(argv[1]) : 1000000000LL, written = 0;
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    long long t = 0;
    for (long long tx = 1; written < limit; tx++) {
        t += 20000;
        char key[32], extra[96];
        int amount = (int)(next() % 50000);
        snprintf(key, sizeof key, "r-%09lld", tx);
        snprintf(extra, sizeof extra, ",\"amount\":%d.%02d,\"currency\":\"EUR\"", amount / 100, amount % 100);
        event(t, "orders", "payment.requested", "request_id", key, extra);
        if (tx % 500 != 0) event(t + 20000 + (long long)(next() % 2000000), "payments", "payment.received", "request_id", key, extra);
        snprintf(key, sizeof key, "o-%09lld", tx);
        snprintf(extra, sizeof extra, ",\"amount\":%d.%02d", amount / 100, amount % 100);
        event(t + 600000, "payments", "payment.captured", "order_id", key, extra);
        event(t + 620000 + (long long)(next() % 4000000), "shipping", "shipment.created", "order_id", key, extra);
        snprintf(key, sizeof key, "res-%09lld", tx);
        snprintf(extra, sizeof extra, ",\"sku\":\"SKU-%05d\",\"qty\":%d", (int)(next() % 5000), 1 + (int)(next() % 8));
        event(t + 100000, "orders", "stock.reserve", "reservation_id", key, extra);
        event(t + 120000 + (long long)(next() % 900000), "inventory", "stock.reserved", "reservation_id", key, extra);
        event(t + (long long)(next() % 900000), "inventory", "http.request", "order_ref", key, "");
        /* Everything before t - 1 s is final (no later event is scheduled before t). */
        while (n > 0 && heap[0].t < t) {
            Pending p = pop();
            written += (long long)fputs(p.line, stdout) >= 0 ? (long long)strlen(p.line) : 0;
        }
    }
    while (n > 0) { Pending p = pop(); fputs(p.line, stdout); }
    return 0;
}
