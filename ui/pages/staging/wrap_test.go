package staging

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// At 60 columns a finding, over the entries and in the push review, wraps
// at words and is read whole: it is not cut at the pane's edge with "…".
func TestStagingFindingsWrapAt60Columns(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	l := oneImageList(t, env)
	l.MediaType = model.MediaTypeDockerList
	l.Annotations = map[string]string{"org.opencontainers.image.source": "https://example.com/team/app"}
	finds := l.Validate()
	if len(finds) == 0 || model.Blocking(finds) || len(finds[0].String()) <= 60 {
		t.Fatalf("want a long warning that does not block, got %v", finds)
	}
	env.Store.Save(l)
	p := common.Page(New(env.C))
	p.SetSize(60, 30)
	p = env.Run(p, p.Init())
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	check := func(what string) {
		t.Helper()
		view := ansi.Strip(p.View())
		for _, line := range strings.Split(view, "\n") {
			if w := ansi.StringWidth(line); w > 60 {
				t.Errorf("%s: a line of %d cells: %q", what, w, line)
			}
		}
		for _, f := range finds[:min(len(finds), 4)] {
			if !strings.Contains(squash(view), squash(f.String())) {
				t.Errorf("%s: %q is not shown whole:\n%s", what, f.String(), view)
			}
		}
	}
	check("entries")
	p = env.Key(p, "P")
	if !p.(*Model).Reviewing() {
		t.Fatalf("no review: %q", env.LastStatus())
	}
	check("push review")
}
