package common

import (
	tea "charm.land/bubbletea/v2"
	"github.com/google/go-containerregistry/pkg/name"
)

// TagWrittenMsg says manifold itself just wrote a tag in repo (a push from
// the staging pane). Every open page that lists repo's tags refreshes, so
// going back from the pushed tree shows the new tag without pressing r.
type TagWrittenMsg struct{ Repo string }

func TagWritten(repo string) tea.Cmd {
	return func() tea.Msg { return TagWrittenMsg{Repo: repo} }
}

// SameRepo compares repositories as the registry sees them
// ("docker.io/library/x" is "index.docker.io/library/x").
func SameRepo(a, b string) bool {
	ra, err1 := name.NewRepository(a)
	rb, err2 := name.NewRepository(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ra.Name() == rb.Name()
}
