package registry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// withCAs returns base trusting the CAs of caFile for every host and those
// of perHost[host] for that host only (the config file's ca-files); the
// system pool is always included.
func withCAs(base http.RoundTripper, caFile string, perHost map[string]string) (http.RoundTripper, error) {
	if caFile == "" && len(perHost) == 0 {
		return base, nil
	}
	ht, ok := base.(*http.Transport)
	if !ok {
		return nil, errors.New("--ca-file and ca-files need the default HTTP transport")
	}
	newPool := func(files ...string) (*x509.CertPool, error) {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, f := range files {
			if f == "" {
				continue
			}
			pem, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("read CA file: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("CA file %s holds no PEM certificates", f)
			}
		}
		return pool, nil
	}
	all, err := newPool(caFile)
	if err != nil {
		return nil, err
	}
	ht = ht.Clone()
	if ht.TLSClientConfig == nil {
		ht.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	ht.TLSClientConfig.RootCAs = all
	if len(perHost) == 0 {
		return ht, nil
	}
	r := &caRouter{def: ht, hosts: map[string]*http.Transport{}}
	for host, f := range perHost {
		pool, err := newPool(caFile, f)
		if err != nil {
			return nil, fmt.Errorf("ca-files %s: %w", host, err)
		}
		hostT := ht.Clone()
		hostT.TLSClientConfig = ht.TLSClientConfig.Clone()
		hostT.TLSClientConfig.RootCAs = pool
		r.hosts[host] = hostT
	}
	return r, nil
}

// caRouter sends each request through the transport whose pool trusts the
// CAs named for its host (host:port first, then the host name), or the
// default one. Verification stays crypto/tls's own.
type caRouter struct {
	def   *http.Transport
	hosts map[string]*http.Transport
}

func (r *caRouter) RoundTrip(req *http.Request) (*http.Response, error) {
	if t, ok := r.hosts[req.URL.Host]; ok {
		return t.RoundTrip(req)
	}
	if t, ok := r.hosts[req.URL.Hostname()]; ok {
		return t.RoundTrip(req)
	}
	return r.def.RoundTrip(req)
}
