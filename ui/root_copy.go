package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/common"
)

// handleCopyJob is the root's part: it feeds the job's progress, keeps the
// status line current while another page is on top, and reports the end.
func (m *Model) handleCopyJob(msg common.CopyJobMsg) tea.Cmd {
	j := m.c.Copy
	if j == nil || j.ID != msg.Job {
		return nil // a job that was replaced
	}
	if msg.Event != nil {
		j.Progress.Apply(*msg.Event, msg.At)
		if _, onPane := m.top().(common.CopyPane); !onPane {
			m.status, m.statusErr = "copying to "+termsafe.String(j.Plan.Target)+": "+j.Progress.Summary(), false
		}
		return common.WaitCopy(j)
	}
	j.Finished, j.Result, j.Err = true, msg.Done.Result, msg.Done.Err
	if errors.Is(j.Err, context.Canceled) {
		m.status, m.statusErr = "copy to "+termsafe.String(j.Plan.Target)+" cancelled: the tag was not moved; c on the tree runs it again, skipping what was copied", false
		return nil
	}
	if j.Err != nil {
		m.status, m.statusErr = "copy to "+termsafe.String(j.Plan.Target)+" failed: "+termsafe.String(j.Err.Error())+" (press c on the tree to run it again: what was copied is skipped)", true
		return nil
	}
	m.status, m.statusErr = fmt.Sprintf("copied to %s (%s): %d blobs copied, %d mounted, %d already there",
		termsafe.String(j.Plan.Target), common.ShortDigest(j.Result.Digest), j.Result.Copied, j.Result.Mounted, j.Result.Skipped), false
	return common.TagWritten(j.Plan.TargetRepo)
}
