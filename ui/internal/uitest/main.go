package uitest

import (
	"os"
	"testing"

	"github.com/manifold-dev/manifold/internal/stagestore"
)

// Main runs a package's tests away from the user's staged lists: the data
// directory is a fresh temp dir with no staging store. A package's TestMain
// calls it.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "manifold-ui-test-")
	if err == nil {
		os.Setenv(stagestore.EnvDataDir, dir)
	}
	code := m.Run()
	if err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
