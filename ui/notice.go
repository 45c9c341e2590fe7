package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/common"
)

// NoticeMsg is something the user should know once, said by the registry
// client outside any page's fetch (registry.Options.OnNotice: credentials
// sent to a token server on another host). It is sent to the running
// program (tea.Program.Send) and stays in the status line until the next
// key, as a push's status does.
func NoticeMsg(text string) tea.Msg {
	return common.StatusMsg{Text: termsafe.String(text), Sticky: true}
}
