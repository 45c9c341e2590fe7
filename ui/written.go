package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/google/go-containerregistry/pkg/name"
)

// tagWrittenMsg says manifold itself just wrote a tag in repo (a push from
// the staging pane). Every open page that lists repo's tags refreshes, so
// going back from the pushed tree shows the new tag without pressing r.
type tagWrittenMsg struct{ repo string }

func tagWritten(repo string) tea.Cmd {
	return func() tea.Msg { return tagWrittenMsg{repo: repo} }
}

// handleTagWritten refreshes the tag lists of repo under the top page.
func (m *Model) handleTagWritten(msg tagWrittenMsg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range m.stack {
		tl, ok := p.(tagLister)
		if !ok || !tl.listsTagsOf(msg.repo) {
			continue
		}
		np, cmd := p.Update(refreshMsg{})
		m.replace(np)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (p *tagsPage) listsTagsOf(repo string) bool { return sameRepo(p.repo, repo) }

// sameRepo compares repositories as the registry sees them
// ("docker.io/library/x" is "index.docker.io/library/x").
func sameRepo(a, b string) bool {
	ra, err1 := name.NewRepository(a)
	rb, err2 := name.NewRepository(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ra.Name() == rb.Name()
}
