package staging

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
)

// TestPlatformFormNormalises: the form spells what is typed as containerd
// reads it, and refuses a near miss with the nearest known value.
func TestPlatformFormNormalises(t *testing.T) {
	f := newPlatformForm(&common.Options{}, &model.Platform{OS: "linux", Architecture: "amd64"}, 80)
	f.fields[fieldOS].SetValue("Linux")
	f.fields[fieldArch].SetValue("aarch64")
	if p, err := f.platform(); err != nil || p.String() != "linux/arm64" {
		t.Fatalf("Linux/aarch64: %v %v", p, err)
	}
	if got := strings.Join(f.notes, ", "); got != "os Linux → linux, architecture aarch64 → arm64" {
		t.Fatalf("notes for the status line: %q", got)
	}
	f.fields[fieldArch].SetValue("arm")
	f.fields[fieldVariant].SetValue("7")
	if p, err := f.platform(); err != nil || p.String() != "linux/arm/v7" {
		t.Fatalf("arm 7: %v %v", p, err)
	}
	f.fields[fieldArch].SetValue("amd46")
	f.fields[fieldVariant].SetValue("")
	if _, err := f.platform(); err == nil || !strings.Contains(err.Error(), "did you mean amd64") {
		t.Fatalf("amd46: %v", err)
	}
}
