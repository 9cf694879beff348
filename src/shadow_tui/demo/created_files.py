'''Source files that the demo agents create, with placeholders in «guillemets».

Every text ends with a newline, as source files do.
'''

from __future__ import annotations

# Files that edits create, by language.
NEW_FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "python": (("tests/test_«nouns».py", '''import pytest

from «package».«nouns» import «func»


@pytest.mark.parametrize("count", [0, 1, 101])
def test_«func»_returns_every_page(fake_client, count):
    fake_client.add_«nouns»(count)

    result = «func»(fake_client)

    assert len(result) == count
'''),),
    "typescript": (("src/api/«nouns».test.ts", '''import { describe, expect, it } from "vitest";
import { «func» } from "./«nouns»";
import { fakeApi } from "../test/fakeApi";

describe("«func»", () => {
  it("returns an empty page when there are no «nouns»", async () => {
    const api = fakeApi({ items: [], next: null });
    await expect(«func»(api)).resolves.toEqual({ items: [], next: null });
  });
});
'''),),
    "css": (("src/components/«Noun»Badge.module.css", '''.badge {
  display: inline-flex;
  padding: 0 var(--space-1);
  border-radius: 999px;
  font-size: 0.75rem;
}
'''),),
    "go": (("internal/«noun»/«noun»_test.go", '''package «noun»

import (
	"context"
	"testing"
)

func Test«func»Empty(t *testing.T) {
	svc := newTestService(t)
	got, err := svc.«func»(context.Background())
	if err != nil {
		t.Fatalf("«func»: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("got %d «nouns», want 0", len(got))
	}
}
'''),),
    "rust": (("tests/«noun»_test.rs", '''use «package»::«noun»::«func»;

mod common;

#[test]
fn «func»_respects_limit() {
    let conn = common::test_db();
    common::seed_«nouns»(&conn, 10);
    let got = «func»(&conn, 3).expect("query should succeed");
    assert_eq!(got.len(), 3);
}
'''),),
    "sql": (("migrations/V42__index_«nouns»_tenant.sql", '''-- Speeds up the per-tenant listing.
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_«nouns»_tenant_created
    ON «nouns» (tenant_id, created_at DESC);
'''),),
    "markdown": (("docs/runbooks/«nouns».md", '''# Runbook: «noun» backlog

1. Check the queue depth on the dashboard.
2. If it grows for more than 10 minutes, scale the worker:
   `kubectl scale deploy/«noun»-worker --replicas=6`
3. Page the owning team if errors keep rising.
'''),),
    "yaml": (("deploy/«noun»-worker-pdb.yaml", '''apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: «noun»-worker
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: «noun»-worker
'''),),
}
