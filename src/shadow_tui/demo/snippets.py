"""Code snippets that agent messages show in fenced blocks, by fence language.

Placeholders in «guillemets» are filled from the task's names (see
`content.task_names`). Guillemets do not occur in code, so braces, `$` and
`%` in the snippets need no escaping.
"""

from __future__ import annotations

SNIPPETS: dict[str, tuple[str, ...]] = {
    "python": (
        '''def «func»(client: ApiClient, *, page_size: int = 100) -> list[«Noun»]:
    """Fetch every «noun», following the pagination cursor."""
    items: list[«Noun»] = []
    cursor: str | None = None
    while True:
        page = client.get("/v1/«nouns»", params={"limit": page_size, "cursor": cursor})
        items.extend(«Noun».from_json(row) for row in page["data"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items''',
        '''@pytest.mark.parametrize("count", [0, 1, 101])
def test_«func»_returns_every_page(fake_client, count):
    fake_client.add_«nouns»(count)

    result = «func»(fake_client, page_size=50)

    assert len(result) == count''',
        '''for attempt in range(1, MAX_ATTEMPTS + 1):
    try:
        return send(«noun»)
    except TransientError as error:
        delay = min(BASE_DELAY * 2 ** attempt, MAX_DELAY)
        logger.warning("Sending %s failed (attempt %d): %s", «noun».id, attempt, error)
        time.sleep(delay)
raise RetryLimitExceeded(f"gave up on {«noun».id} after {MAX_ATTEMPTS} attempts")''',
        '''@dataclass(frozen=True, slots=True)
class «Noun»:
    id: str
    tenant_id: str
    created_at: datetime
    amount_cents: int = 0

    @property
    def is_empty(self) -> bool:
        return self.amount_cents == 0''',
    ),
    "typescript": (
        '''export async function «func»(api: ApiClient, cursor?: string): Promise<Page<«Noun»>> {
  const response = await api.get(`/v1/«nouns»`, { params: { cursor, limit: 50 } });
  if (!response.ok) {
    throw new Error(`Loading «nouns» failed: ${response.status}`);
  }
  return { items: response.data.items.map(parse«Noun»), next: response.data.next ?? null };
}''',
        '''describe("«func»", () => {
  it("returns an empty page when there are no «nouns»", async () => {
    const api = fakeApi({ items: [], next: null });
    await expect(«func»(api)).resolves.toEqual({ items: [], next: null });
  });
});''',
        '''const [«nouns», set«Nouns»] = useState<«Noun»[]>([]);

useEffect(() => {
  const controller = new AbortController();
  «func»(api, undefined, { signal: controller.signal }).then((page) => set«Nouns»(page.items));
  return () => controller.abort();
}, [api]);''',
        '''export interface «Noun» {
  id: string;
  status: "active" | "archived";
  createdAt: string;
  owner?: { id: string; name: string } | null;
}''',
    ),
    "go": (
        '''func (s *Service) «func»(ctx context.Context, cursor string) ([]«Noun», error) {
	rows, err := s.db.QueryContext(ctx, query«Nouns», cursor, pageSize)
	if err != nil {
		return nil, fmt.Errorf("query «nouns»: %w", err)
	}
	defer rows.Close()

	var out []«Noun»
	for rows.Next() {
		var item «Noun»
		if err := rows.Scan(&item.ID, &item.TenantID, &item.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, rows.Err()
}''',
        '''func Test«func»Empty(t *testing.T) {
	svc := newTestService(t)
	got, err := svc.«func»(context.Background(), "")
	if err != nil {
		t.Fatalf("«func»: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("got %d «nouns», want 0", len(got))
	}
}''',
        '''select {
case <-ctx.Done():
	return ctx.Err()
case job := <-s.queue:
	if err := s.process(ctx, job); err != nil {
		s.log.Error("processing «noun» failed", "id", job.ID, "err", err)
	}
}''',
    ),
    "rust": (
        '''pub fn «func»(conn: &Connection, limit: usize) -> Result<Vec<«Noun»>, Error> {
    let mut stmt = conn.prepare("SELECT id, tenant_id, created_at FROM «nouns» LIMIT ?1")?;
    let rows = stmt.query_map([limit], |row| {
        Ok(«Noun» {
            id: row.get(0)?,
            tenant_id: row.get(1)?,
            created_at: row.get(2)?,
        })
    })?;
    rows.collect::<Result<Vec<_>, _>>().map_err(Error::from)
}''',
        '''#[test]
fn «func»_respects_limit() {
    let conn = test_db();
    seed_«nouns»(&conn, 10);
    let got = «func»(&conn, 3).expect("query should succeed");
    assert_eq!(got.len(), 3);
}''',
        '''impl TryFrom<&str> for «Noun»Id {
    type Error = ParseError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        if value.len() != 21 {
            return Err(ParseError::Length(value.len()));
        }
        Ok(Self(value.to_owned()))
    }
}''',
    ),
    "sql": (
        '''SELECT tenant_id,
       count(*)                          AS «nouns»,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       max(created_at)                   AS last_seen
FROM «nouns»
WHERE created_at >= now() - interval '7 days'
GROUP BY tenant_id
ORDER BY failed DESC
LIMIT 20;''',
        '''CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_«nouns»_tenant_created
    ON «nouns» (tenant_id, created_at DESC);''',
        '''WITH ranked AS (
    SELECT id, row_number() OVER (PARTITION BY external_id ORDER BY created_at) AS n
    FROM «nouns»
)
DELETE FROM «nouns» WHERE id IN (SELECT id FROM ranked WHERE n > 1);''',
    ),
    "bash": (
        '''git fetch origin
git switch -c «branch» origin/main
make test''',
        '''docker compose up -d postgres
export DATABASE_URL=postgresql://app@localhost:5432/«package»_test
«test_command»''',
        '''grep -rn "«func»" src/ | wc -l
«test_command» 2>&1 | tail -n 20''',
    ),
    "css": (
        '''.«noun»-card {
  display: grid;
  grid-template-columns: auto 1fr auto;
  gap: var(--space-2);
  padding: var(--space-3);
  border-radius: var(--radius-md);
  background: var(--surface-raised);
}

.«noun»-card[data-state="archived"] {
  opacity: 0.6;
}''',
    ),
    "yaml": (
        '''apiVersion: apps/v1
kind: Deployment
metadata:
  name: «noun»-worker
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: worker
          image: ghcr.io/acme/«repo»:1.14.2
          resources:
            limits: { cpu: "1", memory: 512Mi }''',
    ),
    "markdown": (
        '''## «Nouns»

Use `«func»` to list «nouns». Results are paginated; pass the `next` cursor
from one page to get the next.

| Field | Type | Meaning |
| --- | --- | --- |
| `id` | string | Stable identifier |
| `created_at` | timestamp | When the «noun» was created (UTC) |''',
    ),
}

# Fence languages that agent messages use for a repository's main language.
FENCES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "python": ("python", "python", "bash", "sql"),
    "typescript": ("typescript", "typescript", "bash"),
    "css": ("css", "typescript", "bash"),
    "go": ("go", "go", "bash", "sql"),
    "rust": ("rust", "rust", "bash"),
    "sql": ("sql", "sql", "bash"),
    "markdown": ("markdown", "bash"),
    "yaml": ("yaml", "bash"),
}
