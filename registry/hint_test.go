package registry

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
)

// The commonest network failures say what to check.
func TestNetworkHints(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(context.Background(), addr+"/app:1")
	if err == nil || !strings.Contains(err.Error(), "nothing is listening at "+addr) {
		t.Fatalf("connection refused: %v", err)
	}

	dns := fmt.Errorf("dial: %w", &net.DNSError{Err: "no such host", Name: "registry.invalid", IsNotFound: true})
	if h := networkHint(dns, "registry.invalid"); !strings.Contains(h, "does not resolve") {
		t.Fatalf("DNS hint %q", h)
	}
	if h := networkHint(fmt.Errorf("something else"), "x"); h != "" {
		t.Fatalf("a hint for an unrelated error: %q", h)
	}
}
