package faultproxy

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func origin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"schemaVersion":2,"manifests":[]}`)
	})
}

func get(t *testing.T, host, path string) (*http.Response, string, error) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + host + path)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func TestTimesAndClear(t *testing.T) {
	p := New()
	host := p.Start(t, origin())
	p.Set(Fault{Kind: Status, Code: 503, Match: Manifests, Times: 2})
	for i, want := range []int{503, 503, 200} {
		resp, _, err := get(t, host, "/v2/app/manifests/v1")
		if err != nil || resp.StatusCode != want {
			t.Fatalf("request %d: %v, %v; want %d", i, resp, err, want)
		}
	}
	if p.Hits() != 2 {
		t.Fatalf("hits %d", p.Hits())
	}
	p.Set(Fault{Kind: Status, Code: 500, Match: Manifests})
	if resp, _, _ := get(t, host, "/v2/app/tags/list"); resp.StatusCode != 200 {
		t.Fatal("fault hit a request its Match excludes")
	}
	p.Clear()
	if resp, _, _ := get(t, host, "/v2/app/manifests/v1"); resp.StatusCode != 200 {
		t.Fatal("Clear left the fault on")
	}
}

func TestBodyFaults(t *testing.T) {
	p := New()
	host := p.Start(t, origin())
	p.Set(Fault{Kind: Short})
	if _, _, err := get(t, host, "/v2/x/manifests/y"); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Fatalf("Short: %v", err)
	}
	p.Set(Fault{Kind: Huge, Size: 1 << 20, Chunked: true})
	resp, body, err := get(t, host, "/v2/x/manifests/y")
	if err != nil || len(body) != 1<<20 || resp.ContentLength != -1 {
		t.Fatalf("Huge chunked: %d bytes, length %d, %v", len(body), resp.ContentLength, err)
	}
	p.Set(Fault{Kind: Replace, Body: []byte("{}"), MediaType: "application/json"})
	resp, body, _ = get(t, host, "/v2/x/manifests/y")
	if body != "{}" || resp.Header.Get("Docker-Content-Digest") != "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" {
		t.Fatalf("Replace: %q %v", body, resp.Header)
	}
}

func TestTokenExpiry(t *testing.T) {
	p := New()
	host := p.Start(t, origin())
	p.RequireToken("u", "pw", 1)
	resp, _, _ := get(t, host, "/v2/")
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `realm="http://`+host+`/token"`) {
		t.Fatalf("challenge: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+host+"/token", nil)
	req.SetBasicAuth("u", "pw")
	r, err := http.DefaultClient.Do(req)
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("token: %v %v", r, err)
	}
	r.Body.Close()
	use := func() int {
		req, _ := http.NewRequest(http.MethodGet, "http://"+host+"/v2/x/manifests/y", nil)
		req.Header.Set("Authorization", "Bearer faultproxy-token-1")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if a, b := use(), use(); a != 200 || b != 401 {
		t.Fatalf("token uses: %d then %d; want 200 then 401", a, b)
	}
}

func TestRefusedAddr(t *testing.T) {
	addr := RefusedAddr(t)
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatalf("%s accepted a connection", addr)
	}
}
