package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// retryText is the status line for a retry.
func retryText(ev registry.RetryEvent) string {
	host := termsafe.String(ev.Host)
	what := host + " answered " + termsafe.String(ev.Reason)
	if strings.HasPrefix(ev.Reason, "429") {
		what = "rate limited by " + host
	}
	wait := ev.Wait.Round(10 * time.Millisecond)
	if ev.Wait >= time.Second {
		wait = ev.Wait.Round(time.Second)
	}
	return fmt.Sprintf("%s, retrying in %s (attempt %d of %d)", what, wait, ev.Attempt, ev.Max)
}

// handleRetry shows a retry of an open page's fetch in the status line and
// resumes the fetch's command; a page that was left gets neither (its
// context is cancelled, its fetch ends).
func (m *Model) handleRetry(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.RetryMsg:
		if m.find(msg.Page) == nil {
			return nil
		}
		m.status, m.statusErr = retryText(msg.Event), false
		m.retryPage, m.retryText = msg.Page, m.status
		return msg.Next
	case common.RetryDoneMsg:
		if msg.Page != m.retryPage {
			return nil // another page's retry is shown, or none
		}
		if m.status == m.retryText {
			m.status, m.statusErr = "", false
		}
		m.retryPage, m.retryText = 0, ""
	}
	return nil
}
