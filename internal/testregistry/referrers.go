package testregistry

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
)

// ReferrersHandler is go-containerregistry's in-memory registry with the OCI
// 1.1 referrers API on (distribution has none), quiet, for tests that wrap
// it.
func ReferrersHandler() http.Handler {
	return ggcrregistry.New(ggcrregistry.WithReferrersSupport(true), ggcrregistry.Logger(log.New(io.Discard, "", 0)))
}

// StartReferrers serves ReferrersHandler for the duration of t and returns
// its host:port.
func StartReferrers(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(ReferrersHandler())
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}
