package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"
)

// TestDemoServeTakesAFreePort: demo --serve with no --addr listens on a
// free loopback port and prints the address, which answers as a registry.
func TestDemoServeTakesAFreePort(t *testing.T) {
	readEnv(t)
	t.Setenv("MANIFOLD_DATA_DIR", t.TempDir())
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	g := &globals{stdout: pw, stderr: io.Discard}
	root := newRootCmd(g)
	root.SetArgs([]string{"demo", "--serve"})
	go func() { done <- root.ExecuteContext(ctx); pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`serving at (127\.0\.0\.1:([0-9]+))`).FindStringSubmatch(line)
	if m == nil || m[2] == "0" {
		t.Fatalf("no address printed: %q", line)
	}
	resp, err := http.Get("http://" + m[1] + "/v2/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the printed address does not answer: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	go io.Copy(io.Discard, pr)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
