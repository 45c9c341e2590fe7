package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

// TestCopyServer serves two registries for bench/copy.sh, each behind a
// proxy that delays every request (MANIFOLD_RTT_DELAY): a source holding
// the 11-platform index with attestations and an empty target. It writes
// "SRC_REF DST_HOST" to MANIFOLD_RTT_HOSTFILE, the target proxy's request
// count to MANIFOLD_COPY_COUNTFILE whenever MANIFOLD_COPY_COUNTFILE.ask
// appears, and runs until MANIFOLD_RTT_STOPFILE exists (or 20 minutes).
func TestCopyServer(t *testing.T) {
	if os.Getenv("MANIFOLD_RTT") == "" {
		t.Skip("set MANIFOLD_RTT=1 (bench/copy.sh does) to serve the delayed registries")
	}
	src := testregistry.Start(t, testregistry.Options{})
	set, err := fixtures.Push(context.Background(), src.Host, fixtures.Only(fixtures.Eleven))
	if err != nil {
		t.Fatal(err)
	}
	dst := testregistry.Start(t, testregistry.Options{})
	sp := startProxy(t, src.URL, delay())
	dp := startProxy(t, dst.URL, delay())
	line := set[fixtures.Eleven].Ref(sp.host()) + " " + dp.host() + "\n"
	f := os.Getenv("MANIFOLD_RTT_HOSTFILE")
	if err := os.WriteFile(f+".tmp", []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(f+".tmp", f); err != nil {
		t.Fatal(err)
	}
	count := os.Getenv("MANIFOLD_COPY_COUNTFILE")
	stop := os.Getenv("MANIFOLD_RTT_STOPFILE")
	deadline := time.Now().Add(20 * time.Minute)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(stop); err == nil {
			break
		}
		if _, err := os.Stat(count + ".ask"); err == nil {
			n := strconv.FormatInt(sp.requests.Load(), 10) + " " + strconv.FormatInt(dp.requests.Load(), 10) + "\n"
			_ = os.WriteFile(count+".tmp", []byte(n), 0o644)
			_ = os.Rename(count+".tmp", count)
			_ = os.Remove(count + ".ask")
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Println("requests served: source", sp.requests.Load(), "target", dp.requests.Load())
}
