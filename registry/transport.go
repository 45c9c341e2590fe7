package registry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

// Timeouts bound how long one request may take and how retries are spent.
// Zero fields take the defaults noted.
type Timeouts struct {
	// Header is how long to wait for the response headers; 30s.
	Header time.Duration
	// Stall is the window a response body must make progress in: a body
	// that delivers fewer than MinBytes in any Stall window is cut (a
	// slowloris registry trickling bytes); 30s.
	Stall time.Duration
	// MinBytes is the least a body must deliver per Stall window; 1024.
	MinBytes int64
	// Total is the deadline of one request, from sending it to the end of
	// its body, for every body up to LargeBody bytes (manifests, configs,
	// listing pages, tokens, errors): a body trickled just fast enough to
	// pass the stall rule is still cut; 2m.
	Total time.Duration
	// LargeBody is the announced size (Content-Length) above which a body
	// is a stream (a layer being copied) that the deadline does not cut;
	// MinRate bounds it instead; 4 MiB, the largest manifest read.
	LargeBody int64
	// MinRate is the least average rate, in bytes per second since the
	// headers came, that a large body must keep once a Stall window has
	// passed; 32 KiB/s.
	MinRate int64
	// Attempts is the most tries of one GET or HEAD on 429 or 5xx; 4.
	Attempts int
	// MaxWait caps one wait between tries. A Retry-After longer than this
	// is not waited out: the request fails at once, naming the wait; 15s.
	MaxWait time.Duration
	// Backoff is the first wait after a 5xx (or a 429 without
	// Retry-After); it doubles each try; 500ms.
	Backoff time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Header <= 0 {
		t.Header = 30 * time.Second
	}
	if t.Stall <= 0 {
		t.Stall = 30 * time.Second
	}
	if t.MinBytes <= 0 {
		t.MinBytes = 1024
	}
	if t.Total <= 0 {
		t.Total = 2 * time.Minute
	}
	if t.LargeBody <= 0 {
		t.LargeBody = 4 << 20
	}
	if t.MinRate <= 0 {
		t.MinRate = 32 << 10
	}
	if t.Attempts <= 0 {
		t.Attempts = 4
	}
	if t.MaxWait <= 0 {
		t.MaxWait = 15 * time.Second
	}
	if t.Backoff <= 0 {
		t.Backoff = 500 * time.Millisecond
	}
	return t
}

// RetryEvent tells the caller (the UI's status line, --debug) that a request
// is being retried and how long manifold waits first.
type RetryEvent struct {
	Host    string        // registry host, e.g. "ghcr.io"
	Method  string        // GET or HEAD
	Path    string        // URL path, e.g. "/v2/app/manifests/v1"
	Attempt int           // the try about to be made: 2 for the first retry
	Max     int           // the most tries that will be made
	Wait    time.Duration // how long manifold waits before it
	Reason  string        // e.g. "429 Too Many Requests (Retry-After 3s)"
}

func (e RetryEvent) String() string {
	return fmt.Sprintf("%s: %s; retrying %s %s in %s (attempt %d of %d)",
		e.Host, e.Reason, e.Method, e.Path, e.Wait.Round(time.Millisecond), e.Attempt, e.Max)
}

type retryObserverKey struct{}

// WithRetryObserver returns a context whose requests report their retries
// to fn, besides Options.OnRetry: the UI attaches one to each fetch's
// context and shows "rate limited, retrying in 3s" for that page only. fn
// runs on the fetching goroutine, never in Update; it must not block.
func WithRetryObserver(ctx context.Context, fn func(RetryEvent)) context.Context {
	return context.WithValue(ctx, retryObserverKey{}, fn)
}

// ErrTimeout matches every *TimeoutError.
var ErrTimeout = errors.New("registry timed out")

// TimeoutError says a registry did not answer in time, stalled while
// sending a body, went past the per-request deadline, or sent a large body
// slower than the minimum rate. Rule says which fired.
type TimeoutError struct {
	Host    string
	Op      string // "GET /v2/app/manifests/v1"
	Rule    TimeoutRule
	Stalled bool // Rule == RuleStall
	After   time.Duration
	Min     int64 // bytes per Stall window (RuleStall), bytes per second (RuleRate)
}

// TimeoutRule names the rule that cut a request.
type TimeoutRule int

const (
	// RuleHeader: no response headers within Timeouts.Header.
	RuleHeader TimeoutRule = iota
	// RuleStall: fewer than Timeouts.MinBytes in a Timeouts.Stall window.
	RuleStall
	// RuleDeadline: the request took longer than Timeouts.Total.
	RuleDeadline
	// RuleRate: a large body averaged less than Timeouts.MinRate.
	RuleRate
)

func (e *TimeoutError) Error() string {
	switch e.Rule {
	case RuleStall:
		return fmt.Sprintf("%s stalled while sending %s: fewer than %d bytes in %s, connection cut (slow or hostile registry; try again)",
			e.Host, e.Op, e.Min, e.After)
	case RuleDeadline:
		return fmt.Sprintf("%s did not finish %s within %s, the per-request deadline: connection cut (slow or hostile registry; try again)",
			e.Host, e.Op, e.After)
	case RuleRate:
		return fmt.Sprintf("%s sent %s at less than %d bytes/s on average, the minimum rate for large bodies: connection cut (slow or hostile registry; try again)",
			e.Host, e.Op, e.Min)
	}
	return fmt.Sprintf("%s did not answer %s within %s (response header timeout; try again)", e.Host, e.Op, e.After)
}

// Is matches ErrTimeout.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// Timeout reports true: a *TimeoutError is a net.Error.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports true (net.Error): trying again may work.
func (e *TimeoutError) Temporary() bool { return true }

// RateLimitError says a registry kept answering 429 Too Many Requests, or
// asked for a wait longer than manifold waits.
type RateLimitError struct {
	Host       string
	Op         string
	Attempts   int
	RetryAfter time.Duration // what the registry asked for; 0 when it did not say
	MaxWait    time.Duration
	// Limit is what the 429's rate-limit headers said, when it had them.
	Limit *RateLimit
}

func (e *RateLimitError) Error() string {
	var s string
	switch {
	case e.RetryAfter > e.MaxWait:
		s = fmt.Sprintf("%s: 429 Too Many Requests for %s: the registry asks to wait %s (Retry-After), more than manifold waits (%s); try again later",
			e.Host, e.Op, e.RetryAfter, e.MaxWait)
	default:
		s = fmt.Sprintf("%s: 429 Too Many Requests for %s, still after %d attempts; try again later", e.Host, e.Op, e.Attempts)
	}
	if e.Limit != nil {
		s += "; " + termsafe.String(e.Limit.String()) + "; " + e.Limit.WhenReset()
	}
	return s
}

// Is matches ErrTooManyRequests.
func (e *RateLimitError) Is(target error) bool { return target == ErrTooManyRequests }

// TLSError is a certificate verification failure, explained.
type TLSError struct {
	Host string
	Err  error
}

func (e *TLSError) Error() string {
	var he x509.HostnameError
	if errors.As(e.Err, &he) {
		return fmt.Sprintf("TLS: the certificate of %s is not valid for that name (%v); check the registry address", e.Host, e.Err)
	}
	return fmt.Sprintf("TLS: the certificate of %s is not trusted (%v); if the registry uses a private CA, %s", e.Host, e.Err, trustHint)
}

func (e *TLSError) Unwrap() error { return e.Err }

// ggcrRetryOff returns the go-containerregistry options that switch its own
// retry off: manifold's transport retries (honouring Retry-After), and two
// layers of retry would multiply (4 × 3 tries).
func ggcrRetryOff() []remote.Option {
	return []remote.Option{
		remote.WithRetryPredicate(func(error) bool { return false }),
		remote.WithRetryStatusCodes(),
		remote.WithRetryBackoff(remote.Backoff{Duration: time.Millisecond, Factor: 1, Steps: 1}),
	}
}

// newTransport builds the HTTP transport every request goes through, from
// the outside in: certificate errors explained, GET/HEAD retried on 429 and
// 5xx, --debug logging, per-request timeouts, then the base transport with
// the user's extra CAs.
func newTransport(opts Options) (http.RoundTripper, error) { return newTransportRL(opts, nil) }

// newTransportRL is newTransport that also files the rate-limit headers of
// every response (each try of a retry) in rl, when set.
func newTransportRL(opts Options, rl *rateLimits) (http.RoundTripper, error) {
	base, err := withCAs(opts.Transport, opts.CAFile, opts.CAFiles)
	if err != nil {
		return nil, err
	}
	if base, err = withSkipVerify(base, newInsecureHosts(opts.InsecureAuto, opts.SkipVerify)); err != nil {
		return nil, err
	}
	to := opts.Timeouts.withDefaults()
	var rt http.RoundTripper = &timeoutTransport{next: base, to: to}
	if rl != nil {
		rt = &rateLimitTransport{next: rt, store: rl}
	}
	if opts.Debug != nil {
		rt = &debugTransport{next: rt, w: opts.Debug}
	}
	rt = &errorBodyTransport{next: rt}
	rt = &retryTransport{next: rt, to: to, onRetry: opts.OnRetry, debug: opts.Debug}
	return &netErrorTransport{next: &tlsHintTransport{next: rt}}, nil
}

// maxErrorBody caps the error body of a failed request: it is read for
// diagnostics only.
const maxErrorBody = 64 << 10

// errorBodyTransport makes the body of every 4xx and 5xx answer safe to
// quote in an error, whoever reads it (manifold or go-containerregistry):
// at most maxErrorBody bytes, and every string in it (each JSON string, or
// the whole body when it is not JSON) with control characters, newlines
// included, escaped as termsafe does. Registry text in an error can then
// neither forge a line ("manifold: pushed …") nor drive the terminal.
type errorBodyTransport struct{ next http.RoundTripper }

func (t *errorBodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 || resp.Body == nil || resp.Body == http.NoBody {
		return resp, err
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	if rerr != nil && len(b) == 0 {
		b = []byte(fmt.Sprintf("(error body unreadable: %v)", rerr))
	}
	b = safeErrorBody(b)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Del("Content-Length")
	resp.Header.Del("Content-Encoding")
	return resp, nil
}

// quotedErrorText and quotedErrors bound what of an error body reaches an
// error message: the first quotedErrorText bytes of each string (of the
// whole body when it is not JSON) and the first quotedErrors elements of
// each JSON array or object. A registry's 64 KiB of text is not printed whole.
const (
	quotedErrorText = 512
	quotedErrors    = 8
)

// safeErrorBody returns b with every string shortened and escaped by
// termsafe.String: as JSON with its strings escaped when b is JSON, else
// as escaped text.
func safeErrorBody(b []byte) []byte {
	var v any
	if json.Unmarshal(b, &v) == nil {
		if out, err := json.Marshal(safeJSON(v)); err == nil {
			return out
		}
	}
	return []byte(quoteShort(string(b)))
}

// quoteShort escapes s for the terminal, cut to quotedErrorText bytes (on
// a rune boundary) with the number of bytes left out.
func quoteShort(s string) string {
	if len(s) <= quotedErrorText {
		return termsafe.String(s)
	}
	cut := quotedErrorText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return termsafe.String(s[:cut]) + fmt.Sprintf("… (%d more bytes)", len(s)-cut)
}

func safeJSON(v any) any {
	switch x := v.(type) {
	case string:
		return quoteShort(x)
	case []any:
		if len(x) > quotedErrors {
			x = x[:quotedErrors]
		}
		for i := range x {
			x[i] = safeJSON(x[i])
		}
		return x
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		if len(keys) > quotedErrors {
			keys = keys[:quotedErrors]
		}
		out := make(map[string]any, len(keys))
		for _, k := range keys {
			out[quoteShort(k)] = safeJSON(x[k])
		}
		return out
	}
	return v
}

// tlsHintTransport turns certificate verification errors into *TLSError.
type tlsHintTransport struct{ next http.RoundTripper }

func (t *tlsHintTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil && isCertError(err) {
		return nil, &TLSError{Host: req.URL.Host, Err: err}
	}
	return resp, err
}

func isCertError(err error) bool {
	var (
		ua  x509.UnknownAuthorityError
		ci  x509.CertificateInvalidError
		he  x509.HostnameError
		cve *tls.CertificateVerificationError
	)
	return errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &he) || errors.As(err, &cve)
}

// retryTransport retries idempotent requests (GET, HEAD) on 429 and 5xx,
// honouring Retry-After up to Timeouts.MaxWait, and reports each wait.
type retryTransport struct {
	next    http.RoundTripper
	to      Timeouts
	onRetry func(RetryEvent)
	debug   io.Writer
	mu      sync.Mutex // serialises debug writes
}

func retryable(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if (req.Method != http.MethodGet && req.Method != http.MethodHead) || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		return t.next.RoundTrip(req)
	}
	op := req.Method + " " + req.URL.Path
	backoff := t.to.Backoff
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if err != nil || !retryable(resp.StatusCode) {
			return resp, err
		}
		var (
			wait   = backoff
			reason = resp.Status
			asked  time.Duration
		)
		if resp.StatusCode == http.StatusTooManyRequests {
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				asked, wait = d, d
				reason = fmt.Sprintf("%s (Retry-After %s)", resp.Status, d)
			}
		}
		if attempt >= t.to.Attempts || asked > t.to.MaxWait {
			if resp.StatusCode == http.StatusTooManyRequests {
				drain(resp)
				e := &RateLimitError{Host: req.URL.Host, Op: op, Attempts: attempt, RetryAfter: asked, MaxWait: t.to.MaxWait}
				if rl, ok := ParseRateLimit(resp.Header, time.Now()); ok {
					if rl.Reset == 0 {
						rl.Reset = asked
					}
					e.Limit = &rl
				}
				return nil, e
			}
			return resp, nil // the caller reads the registry's own diagnostics
		}
		wait = min(wait, t.to.MaxWait)
		drain(resp)
		ev := RetryEvent{Host: req.URL.Host, Method: req.Method, Path: req.URL.Path, Attempt: attempt + 1, Max: t.to.Attempts, Wait: wait, Reason: termsafe.String(reason)}
		if t.onRetry != nil {
			t.onRetry(ev)
		}
		if fn, ok := req.Context().Value(retryObserverKey{}).(func(RetryEvent)); ok {
			fn(ev)
		}
		if t.debug != nil {
			t.mu.Lock()
			fmt.Fprintf(t.debug, "manifold: retry: %s\n", ev)
			t.mu.Unlock()
		}
		timer := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
		backoff *= 2
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}

// drain reads a little of a body (so the connection can be reused) and
// closes it.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 1<<31 {
			n = 1 << 31
		}
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		d := at.Sub(now)
		if d < 0 {
			d = 0
		}
		return d.Round(time.Second), true
	}
	return 0, false
}

// timeoutTransport bounds the wait for response headers and cuts a body
// that stalls (fewer than MinBytes per Stall window).
type timeoutTransport struct {
	next http.RoundTripper
	to   Timeouts
}

func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	ctx, cancel := context.WithCancelCause(req.Context())
	op := req.Method + " " + req.URL.Path
	headerErr := &TimeoutError{Host: req.URL.Host, Op: op, Rule: RuleHeader, After: t.to.Header}
	fire := func() { cancel(headerErr) }
	var timer *time.Timer
	r2 := req.WithContext(ctx)
	if req.Body == nil || req.Body == http.NoBody {
		timer = time.AfterFunc(t.to.Header, fire)
	} else {
		start = time.Time{} // the deadline starts with the answer
		// An upload may take long: the wait for headers starts once the
		// request body has been sent.
		timer = time.AfterFunc(time.Duration(1<<62), fire)
		ab := &armBody{ReadCloser: req.Body, want: req.ContentLength}
		ab.arm = func() {
			if !ab.returned.Load() {
				timer.Reset(t.to.Header)
			}
		}
		r2.Body = ab
	}
	resp, err := t.next.RoundTrip(r2)
	if ab, ok := r2.Body.(*armBody); ok {
		ab.returned.Store(true) // a late Close must not re-arm the timer
	}
	timer.Stop()
	if err != nil {
		if context.Cause(ctx) == error(headerErr) {
			err = headerErr
		}
		cancel(nil)
		return nil, err
	}
	if context.Cause(ctx) == error(headerErr) {
		resp.Body.Close()
		cancel(nil)
		return nil, headerErr
	}
	if resp.Body == http.NoBody {
		cancel(nil)
		return resp, nil
	}
	b := &stallBody{
		rc:     resp.Body,
		ctx:    ctx,
		cancel: cancel,
		window: t.to.Stall,
		min:    t.to.MinBytes,
		err:    &TimeoutError{Host: req.URL.Host, Op: op, Rule: RuleStall, Stalled: true, After: t.to.Stall, Min: t.to.MinBytes},
		start:  time.Now(),
	}
	if resp.ContentLength > t.to.LargeBody {
		// A stream: no deadline, but a minimum average rate.
		b.minRate = t.to.MinRate
		b.rateErr = &TimeoutError{Host: req.URL.Host, Op: op, Rule: RuleRate, Min: t.to.MinRate}
	} else {
		deadlineErr := &TimeoutError{Host: req.URL.Host, Op: op, Rule: RuleDeadline, After: t.to.Total}
		b.deadlineErr = deadlineErr
		left := t.to.Total
		if !start.IsZero() {
			left -= time.Since(start)
		}
		b.deadline = time.AfterFunc(left, func() { cancel(deadlineErr) })
	}
	b.timer = time.AfterFunc(b.window, b.tick)
	resp.Body = b
	return resp, nil
}

// armBody starts the header timer once the request body is sent: at EOF,
// at Content-Length, or when the transport closes it.
type armBody struct {
	io.ReadCloser
	want, n  int64
	arm      func()
	once     sync.Once
	returned atomic.Bool
}

func (b *armBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err == io.EOF || (b.want > 0 && b.n >= b.want) {
		b.once.Do(b.arm)
	}
	return n, err
}

func (b *armBody) Close() error {
	b.once.Do(b.arm)
	return b.ReadCloser.Close()
}

// stallBody cuts the connection when a window passes with too little read.
type stallBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	window time.Duration
	min    int64
	err    *TimeoutError

	// A body up to LargeBody has a deadline; a larger one a minimum rate.
	deadline    *time.Timer
	deadlineErr *TimeoutError
	minRate     int64
	rateErr     *TimeoutError
	start       time.Time

	timer *time.Timer
	read  atomic.Int64 // this window
	total atomic.Int64
	done  atomic.Bool
}

func (b *stallBody) tick() {
	if b.done.Load() {
		return
	}
	if b.read.Swap(0) < b.min {
		b.cancel(b.err)
		return
	}
	if b.minRate > 0 {
		if secs := time.Since(b.start).Seconds(); float64(b.total.Load()) < float64(b.minRate)*secs {
			b.cancel(b.rateErr)
			return
		}
	}
	b.timer.Reset(b.window)
}

func (b *stallBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.read.Add(int64(n))
	b.total.Add(int64(n))
	if err != nil {
		switch cause := context.Cause(b.ctx); {
		case cause == error(b.err):
			return n, b.err
		case b.deadlineErr != nil && cause == error(b.deadlineErr):
			return n, b.deadlineErr
		case b.rateErr != nil && cause == error(b.rateErr):
			return n, b.rateErr
		}
		if err == io.EOF {
			b.finish()
		}
	}
	return n, err
}

func (b *stallBody) finish() {
	if b.done.CompareAndSwap(false, true) {
		b.timer.Stop()
		if b.deadline != nil {
			b.deadline.Stop()
		}
	}
}

func (b *stallBody) Close() error {
	b.finish()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}

// debugTransport logs each request and response line to a writer, with
// credentials redacted and registry-sent text sanitised.
type debugTransport struct {
	next http.RoundTripper
	w    io.Writer
	mu   sync.Mutex
}

// sensitiveHeaders are never logged.
var sensitiveHeaders = map[string]bool{
	"Authorization":        true,
	"Proxy-Authorization":  true,
	"Cookie":               true,
	"Set-Cookie":           true,
	"X-Registry-Auth":      true,
	"X-Amz-Security-Token": true,
}

// sensitiveParams are URL query parameters never logged.
var sensitiveParams = []string{"token", "access_token", "refresh_token", "password", "client_secret", "x-amz-signature", "x-amz-security-token", "x-amz-credential", "x-goog-signature", "x-goog-credential", "sig", "signature", "key-pair-id", "policy"}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	t.log(fmt.Sprintf("→ %s %s%s", req.Method, RedactURL(req.URL), formatHeaders(req.Header)))
	resp, err := t.next.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.log(fmt.Sprintf("← %s %s: error after %s: %s", req.Method, RedactURL(req.URL), took, termsafe.String(err.Error())))
		return nil, err
	}
	t.log(fmt.Sprintf("← %s %s %s (%s)%s", termsafe.String(resp.Status), req.Method, RedactURL(req.URL), took, formatHeaders(resp.Header)))
	return resp, nil
}

func (t *debugTransport) log(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "manifold: %s\n", line)
}

// formatHeaders renders headers one per line, sorted, credentials redacted.
func formatHeaders(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		switch ck := http.CanonicalHeaderKey(k); {
		case sensitiveHeaders[ck]:
			v = "[redacted]"
		case ck == "Location" || ck == "Content-Location":
			// A blob redirect is often a pre-signed URL whose signature
			// is a credential.
			if u, err := url.Parse(v); err == nil {
				v = RedactURL(u)
			}
		}
		fmt.Fprintf(&b, "\n    %s: %s", termsafe.String(k), termsafe.String(v))
	}
	return b.String()
}

// RedactURL returns u as text with user info and secret-bearing query
// parameters replaced by [redacted], sanitised for a terminal.
func RedactURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User("[redacted]")
	}
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			for _, s := range sensitiveParams {
				if strings.EqualFold(k, s) {
					q[k] = []string{"[redacted]"}
					changed = true
				}
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return termsafe.String(c.String())
}
