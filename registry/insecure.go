package registry

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Docker's --insecure, for the hosts a command names: the registry is
// reached over TLS without verifying its certificate when it speaks TLS,
// else over plain HTTP. Options.SkipVerify is the narrower --tls-verify=false:
// TLS, unverified, never plain HTTP. Neither is ever the default.

// insecureHosts is what the client knows of the hosts named insecure.
type insecureHosts struct {
	auto       map[string]bool // --insecure: unverified TLS, or plain HTTP
	skipVerify map[string]bool // --tls-verify=false: unverified TLS

	mu     sync.Mutex
	scheme map[string]string // what a probe found for an auto host
	probe  func(host string) string
}

func newInsecureHosts(auto, skip []string) *insecureHosts {
	h := &insecureHosts{auto: map[string]bool{}, skipVerify: map[string]bool{}, scheme: map[string]string{}, probe: probeScheme}
	for _, a := range auto {
		if a = strings.TrimSpace(a); a != "" {
			h.auto[a] = true
		}
	}
	for _, s := range skip {
		if s = strings.TrimSpace(s); s != "" {
			h.skipVerify[s] = true
		}
	}
	return h
}

// unverified reports whether TLS to host skips verification.
func (h *insecureHosts) unverified(host string) bool {
	return h.auto[host] || h.skipVerify[host] || h.auto[hostName(host)] || h.skipVerify[hostName(host)]
}

func (h *insecureHosts) isAuto(host string) bool { return h.auto[host] || h.auto[hostName(host)] }
func (h *insecureHosts) isSkip(host string) bool {
	return h.skipVerify[host] || h.skipVerify[hostName(host)]
}

// plainHTTP reports whether an auto host is reached over plain HTTP,
// probing it once.
func (h *insecureHosts) plainHTTP(host string) bool {
	if !h.isAuto(host) {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.scheme[host]
	if !ok {
		s = h.probe(host)
		h.scheme[host] = s
	}
	return s == "http"
}

func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// probeScheme asks host for a TLS handshake (unverified): "https" when it
// speaks TLS, "http" when it answers in plain HTTP; "https" when it cannot
// be reached, so the request itself reports why.
func probeScheme(host string) string {
	addr := host
	if _, _, err := net.SplitHostPort(host); err != nil {
		addr = net.JoinHostPort(host, "443")
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // only for hosts named with --insecure
	if err == nil {
		conn.Close()
		return "https"
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		return "http"
	}
	return "https"
}

// withSkipVerify returns base with certificate verification off for the
// hosts h names; every other host keeps verified TLS.
func withSkipVerify(base http.RoundTripper, h *insecureHosts) (http.RoundTripper, error) {
	if len(h.auto) == 0 && len(h.skipVerify) == 0 {
		return base, nil
	}
	unverified := func(t *http.Transport) *http.Transport {
		u := t.Clone()
		if u.TLSClientConfig == nil {
			u.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		} else {
			u.TLSClientConfig = u.TLSClientConfig.Clone()
		}
		u.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // only for hosts named with --insecure or --tls-verify=false
		return u
	}
	switch t := base.(type) {
	case *http.Transport:
		return &skipRouter{next: t, unverified: unverified(t), hosts: h}, nil
	case *caRouter:
		return &skipRouter{next: t, unverified: unverified(t.def), hosts: h}, nil
	}
	return nil, errors.New("--insecure and --tls-verify=false need the default HTTP transport")
}

// skipRouter sends the requests for unverified hosts through a transport
// that does not verify certificates.
type skipRouter struct {
	next       http.RoundTripper
	unverified *http.Transport
	hosts      *insecureHosts
}

func (r *skipRouter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "https" && r.hosts.unverified(req.URL.Host) {
		return r.unverified.RoundTrip(req)
	}
	return r.next.RoundTrip(req)
}
