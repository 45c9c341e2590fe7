package registry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999999999999", 0, false},
		{"9999999999", 1 << 31 * time.Second, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "5", "-3", "Wed, 21 Oct 2015 07:28:00 GMT", "", "1e9", "18446744073709551616"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, now)
		if d < 0 {
			t.Fatalf("parseRetryAfter(%q) = negative %s", s, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %s but not ok", s, d)
		}
	})
}

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("https://user:pw@auth.example.com/token?scope=repository:app:pull&service=x&access_token=abc&Password=p%1b")
	got := RedactURL(u)
	for _, leak := range []string{"pw", "abc", "=p"} {
		if strings.Contains(got, leak) {
			t.Fatalf("RedactURL = %q leaks %q", got, leak)
		}
	}
	if !strings.Contains(got, "scope=repository%3Aapp%3Apull") || !strings.Contains(got, "%5Bredacted%5D@") {
		t.Fatalf("RedactURL = %q", got)
	}
	plain, _ := url.Parse("http://r.example/v2/app/manifests/v1")
	if got := RedactURL(plain); got != "http://r.example/v2/app/manifests/v1" {
		t.Fatalf("RedactURL changed a clean URL: %q", got)
	}
}

func FuzzRedactURL(f *testing.F) {
	f.Add("https://u:p@h/v2/?token=s3cr3t&x=1")
	f.Add("http://h/%1b[2J?password=a&password=b")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		got := RedactURL(u)
		if !utf8.ValidString(got) {
			t.Fatalf("RedactURL(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("RedactURL(%q) = %q holds %U", s, got, r)
			}
		}
		if p, ok := u.User.Password(); ok && len(p) > 3 && strings.Contains(got, p) && !strings.Contains(u.Host+u.Path+u.RawQuery+u.Fragment+u.User.Username(), p) {
			t.Fatalf("RedactURL(%q) = %q leaks the password", s, got)
		}
		for _, v := range u.Query()["token"] {
			if len(v) > 3 && strings.Contains(got, url.QueryEscape(v)) && !strings.Contains(u.Host+u.Path+u.User.String()+u.Fragment, v) {
				t.Fatalf("RedactURL(%q) = %q leaks token %q", s, got, v)
			}
		}
	})
}

func TestFormatHeadersRedacts(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Bearer eyJsecret"},
		"Proxy-Authorization": {"Basic Zm9vOmJhcg=="},
		"Cookie":              {"session=abc"},
		"Set-Cookie":          {"session=def"},
		"Accept":              {"application/json"},
		"X-Evil":              {"\x1b]52;c;aGk=\x07"},
	}
	got := formatHeaders(h)
	for _, leak := range []string{"eyJsecret", "Zm9vOmJhcg", "abc", "def", "\x1b", "\a"} {
		if strings.Contains(got, leak) {
			t.Fatalf("formatHeaders leaks %q:\n%s", leak, got)
		}
	}
	if strings.Count(got, "[redacted]") != 4 || !strings.Contains(got, "Accept: application/json") || !strings.Contains(got, `X-Evil: \x1b]52`) {
		t.Fatalf("formatHeaders =\n%s", got)
	}
}

// A blob redirect's Location is a pre-signed URL: its signature is a
// credential, so --debug must redact it like a request URL.
func TestFormatHeadersRedactsSignedLocation(t *testing.T) {
	for _, loc := range []string{
		"https://bucket.s3.amazonaws.com/blob?X-Amz-Algorithm=AWS4&X-Amz-Signature=SIGSECRET&X-Amz-Security-Token=SIGSECRET",
		"https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4&X-Goog-Signature=SIGSECRET",
		"https://acct.blob.core.windows.net/c/b?sv=2020&sig=SIGSECRET",
		"https://user:SIGSECRET@cdn.example/blob",
	} {
		got := formatHeaders(http.Header{"Location": {loc}})
		if strings.Contains(got, "SIGSECRET") || !strings.Contains(got, "Location: https://") || !strings.Contains(got, "redacted") {
			t.Errorf("formatHeaders(Location: %s) =\n%s", loc, got)
		}
	}
	// A Location that is not a URL is still sanitised, not dropped.
	if got := formatHeaders(http.Header{"Location": {"\x1b[2J/v2/x"}}); strings.Contains(got, "\x1b") || !strings.Contains(got, "/v2/x") {
		t.Errorf("formatHeaders(bad Location) = %q", got)
	}
}

// statusServer answers code for the first n requests, then 200.
func statusServer(t *testing.T, code int, n int32, header http.Header) (*httptest.Server, *atomic.Int32) {
	var count atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.WriteHeader(code)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

func TestRetryOnlyIdempotent(t *testing.T) {
	srv, count := statusServer(t, http.StatusServiceUnavailable, 100, nil)
	rt, err := newTransport(Options{Transport: http.DefaultTransport, Timeouts: Timeouts{Backoff: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		count.Store(0)
		req, _ := http.NewRequest(method, srv.URL, strings.NewReader("x"))
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 || count.Load() != 1 {
			t.Fatalf("%s: status %d after %d requests; want one try", method, resp.StatusCode, count.Load())
		}
	}
	count.Store(0)
	req, _ := http.NewRequest(http.MethodHead, srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if count.Load() != 4 {
		t.Fatalf("HEAD tried %d times, want 4", count.Load())
	}
	// 404 and 401 are answers, not faults: no retry.
	for _, code := range []int{http.StatusNotFound, http.StatusUnauthorized, http.StatusBadRequest} {
		srv, count := statusServer(t, code, 100, nil)
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if count.Load() != 1 {
			t.Fatalf("%d retried %d times", code, count.Load())
		}
	}
}

func TestRetryWaitStopsOnCancel(t *testing.T) {
	srv, _ := statusServer(t, http.StatusTooManyRequests, 100, http.Header{"Retry-After": {"10"}})
	var events atomic.Int32
	rt, _ := newTransport(Options{Transport: http.DefaultTransport, Timeouts: Timeouts{MaxWait: time.Minute},
		OnRetry: func(RetryEvent) { events.Add(1) }})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second || events.Load() != 1 {
		t.Fatalf("err %v after %s, %d events; want the deadline, fast, one event", err, time.Since(start), events.Load())
	}
}

func TestStallBodyLetsSteadyBodiesThrough(t *testing.T) {
	// 64 KiB in 4 KiB pieces, 10ms apart: slow but steady, well above
	// MinBytes per window.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 16 {
			w.Write([]byte(strings.Repeat("a", 4096)))
			w.(http.Flusher).Flush()
			time.Sleep(10 * time.Millisecond)
		}
	}))
	defer srv.Close()
	rt, _ := newTransport(Options{Transport: http.DefaultTransport, Timeouts: Timeouts{Stall: 50 * time.Millisecond, MinBytes: 1024}})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != 64<<10 {
		t.Fatalf("read %d bytes, %v", len(b), err)
	}
}

func TestHeaderTimeoutStartsAfterUpload(t *testing.T) {
	// The server reads a slow upload (longer than the header timeout), then
	// answers at once: the upload must not count against the header wait.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	rt, _ := newTransport(Options{Transport: http.DefaultTransport, Timeouts: Timeouts{Header: 100 * time.Millisecond}})
	pr, pw := io.Pipe()
	go func() {
		for range 5 {
			pw.Write([]byte(strings.Repeat("x", 1024)))
			time.Sleep(50 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPut, srv.URL, pr)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("slow upload cut by the header timeout: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// And a server that never answers after the upload is still cut.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer hang.Close()
	req, _ = http.NewRequest(http.MethodPut, hang.URL, strings.NewReader("body"))
	_, err = rt.RoundTrip(req)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}
