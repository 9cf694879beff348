'''Source files that the demo agents edit, with placeholders in «guillemets».

Each `FileTemplate` is a file before the edit plus the replacements that
turn it into the file after the edit. Every text ends with a newline, as
source files do.
'''

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileTemplate:
    path: str
    before: str
    replacements: tuple[tuple[str, str], ...]
    """Pairs of (old, new) text, applied in order. Each old text must occur in the text at that point."""
    renamed_path: str
    """The path that a rename edit moves the file to."""

    @property
    def after(self) -> str:
        text = self.before
        for old, new in self.replacements:
            if old not in text:
                raise ValueError(f"replacement text {old!r} not found in template {self.path}")
            text = text.replace(old, new, 1)
        return text


EDITED_FILES: dict[str, tuple[FileTemplate, ...]] = {
    "python": (
        FileTemplate(
            "src/«package»/«nouns».py",
            '''"""«Nouns»: loading and listing."""

from __future__ import annotations

import logging
import os

from «package».client import ApiClient
from «package».models import «Noun»

logger = logging.getLogger(__name__)

PAGE_SIZE = 100


def «func»(client: ApiClient) -> list[«Noun»]:
    """Fetch «nouns» from the API."""
    page = client.get("/v1/«nouns»", params={"limit": PAGE_SIZE})
    return [«Noun».from_json(row) for row in page["data"]]


def count_«nouns»(client: ApiClient) -> int:
    return len(«func»(client))
''',
            (
                ("import logging\nimport os\n", "import logging\n"),
                ('''    """Fetch «nouns» from the API."""
    page = client.get("/v1/«nouns»", params={"limit": PAGE_SIZE})
    return [«Noun».from_json(row) for row in page["data"]]
''', '''    """Fetch every «noun», following the pagination cursor."""
    items: list[«Noun»] = []
    cursor: str | None = None
    while True:
        params = {"limit": PAGE_SIZE, "cursor": cursor}
        page = client.get("/v1/«nouns»", params=params)
        items.extend(«Noun».from_json(row) for row in page["data"])
        cursor = page.get("next_cursor")
        if not cursor:
            logger.debug("Fetched %d «nouns»", len(items))
            return items
'''),
            ),
            "src/«package»/«nouns»/listing.py",
        ),
        FileTemplate(
            "src/«package»/settings.py",
            '''from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    database_url: str = "postgresql://localhost/«package»"
    request_timeout_s: float = 10.0
    max_retries: int = 3
    debug: bool = False
''',
            (
                ("    max_retries: int = 3\n",
                 "    max_retries: int = 5\n    retry_backoff_s: float = 0.5\n"),
            ),
            "src/«package»/config/settings.py",
        ),
    ),
    "typescript": (
        FileTemplate(
            "src/api/«nouns».ts",
            '''import { ApiClient } from "./client";
import type { «Noun» } from "../types";

export async function «func»(api: ApiClient): Promise<«Noun»[]> {
  const response = await api.get("/v1/«nouns»");
  return response.data.items;
}

export function «noun»Label(item: «Noun»): string {
  return item.owner.name + " / " + item.id;
}
''',
            (
                ('''export async function «func»(api: ApiClient): Promise<«Noun»[]> {
  const response = await api.get("/v1/«nouns»");
  return response.data.items;
}''', '''export async function «func»(api: ApiClient, cursor?: string): Promise<Page<«Noun»>> {
  const response = await api.get("/v1/«nouns»", { params: { cursor, limit: 50 } });
  if (!response.ok) {
    throw new Error(`Loading «nouns» failed: ${response.status}`);
  }
  return { items: response.data.items, next: response.data.next ?? null };
}'''),
                ('  return item.owner.name + " / " + item.id;',
                 '  return `${item.owner?.name ?? "unassigned"} / ${item.id}`;'),
                ('import type { «Noun» } from "../types";', 'import type { «Noun», Page } from "../types";'),
            ),
            "src/features/«nouns»/api.ts",
        ),
    ),
    "css": (
        FileTemplate(
            "src/components/«Noun»Card.module.css",
            '''.card {
  display: flex;
  padding: 12px;
  border: 1px solid #ddd;
  border-radius: 4px;
}

.title {
  font-weight: 600;
  color: #222;
}
''',
            (
                ('''  display: flex;
  padding: 12px;
  border: 1px solid #ddd;
  border-radius: 4px;''', '''  display: grid;
  grid-template-columns: auto 1fr auto;
  gap: var(--space-2);
  padding: var(--space-3);
  border: 1px solid var(--border-subtle);
  border-radius: var(--radius-md);'''),
                ("  color: #222;", "  color: var(--text-strong);"),
            ),
            "src/components/«Noun»Card/«Noun»Card.module.css",
        ),
    ),
    "go": (
        FileTemplate(
            "internal/«noun»/«noun».go",
            '''package «noun»

import (
	"context"
	"database/sql"
)

type Service struct {
	db *sql.DB
}

func (s *Service) «func»(ctx context.Context) ([]«Noun», error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, tenant_id FROM «nouns»")
	if err != nil {
		return nil, err
	}
	var out []«Noun»
	for rows.Next() {
		var item «Noun»
		rows.Scan(&item.ID, &item.TenantID)
		out = append(out, item)
	}
	return out, nil
}
''',
            (
                ('\t"context"\n\t"database/sql"\n', '\t"context"\n\t"database/sql"\n\t"fmt"\n'),
                ("\t\treturn nil, err\n\t}\n\tvar out",
                 "\t\treturn nil, fmt.Errorf(\"query «nouns»: %w\", err)\n"
                 "\t}\n\tdefer rows.Close()\n\n\tvar out"),
                ("\t\trows.Scan(&item.ID, &item.TenantID)\n",
                 "\t\tif err := rows.Scan(&item.ID, &item.TenantID); err != nil {\n"
                 "\t\t\treturn nil, err\n\t\t}\n"),
                ("\treturn out, nil\n", "\treturn out, rows.Err()\n"),
            ),
            "internal/«noun»/service.go",
        ),
    ),
    "rust": (
        FileTemplate(
            "src/«noun».rs",
            '''use crate::db::Connection;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct «Noun» {
    pub id: String,
    pub tenant_id: String,
}

pub fn «func»(conn: &Connection) -> Result<Vec<«Noun»>, Error> {
    let mut stmt = conn.prepare("SELECT id, tenant_id FROM «nouns»")?;
    let rows = stmt.query_map([], |row| {
        Ok(«Noun» { id: row.get(0)?, tenant_id: row.get(1)? })
    })?;
    Ok(rows.map(|r| r.unwrap()).collect())
}
''',
            (
                ("#[derive(Debug, Clone)]", "#[derive(Debug, Clone, PartialEq, Eq)]"),
                ('pub fn «func»(conn: &Connection) -> Result<Vec<«Noun»>, Error> {\n'
                 '    let mut stmt = conn.prepare("SELECT id, tenant_id FROM «nouns»")?;\n'
                 '    let rows = stmt.query_map([], |row| {',
                 'pub fn «func»(conn: &Connection, limit: usize) -> Result<Vec<«Noun»>, Error> {\n'
                 '    let mut stmt = conn.prepare("SELECT id, tenant_id FROM «nouns» LIMIT ?1")?;\n'
                 '    let rows = stmt.query_map([limit], |row| {'),
                ("    Ok(rows.map(|r| r.unwrap()).collect())\n",
                 "    rows.collect::<Result<Vec<_>, _>>().map_err(Error::from)\n"),
            ),
            "src/«noun»/mod.rs",
        ),
    ),
    "sql": (
        FileTemplate(
            "models/«nouns».sql",
            '''with source as (
    select * from {{ source('app', '«nouns»') }}
),

renamed as (
    select
        id as «noun»_id,
        tenant_id,
        created_at
    from source
)

select * from renamed
''',
            (
                ("        tenant_id,\n        created_at\n",
                 "        tenant_id,\n        status,\n        created_at,\n        updated_at\n"),
                ("    from source\n", "    from source\n    where deleted_at is null\n"),
            ),
            "models/staging/stg_«nouns».sql",
        ),
    ),
    "markdown": (
        FileTemplate(
            "docs/«nouns».md",
            '''# «Nouns»

The «nouns» API lists every «noun» of a tenant.

## Listing

Call `GET /v1/«nouns»`. It returns at most 100 items.

## Errors

A missing tenant returns 404.
''',
            (
                ("Call `GET /v1/«nouns»`. It returns at most 100 items.\n",
                 "Call `GET /v1/«nouns»`. Each page holds at most 100 items; pass the\n"
                 "`next_cursor` of one page as `cursor` to get the next.\n"),
                ("A missing tenant returns 404.\n",
                 "- A missing tenant returns 404.\n- An invalid cursor returns 400.\n"),
            ),
            "docs/api/«nouns».md",
        ),
    ),
    "yaml": (
        FileTemplate(
            ".github/workflows/ci.yml",
            '''name: CI
on:
  push:
    branches: [main]
  pull_request:

jobs:
  test:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v3
      - run: make test
''',
            (
                ("    runs-on: ubuntu-22.04\n", "    runs-on: ubuntu-24.04\n    timeout-minutes: 20\n"),
                ("      - uses: actions/checkout@v3\n", "      - uses: actions/checkout@v4\n"),
            ),
            ".github/workflows/test.yml",
        ),
        FileTemplate(
            "deploy/«noun»-worker.yaml",
            '''apiVersion: apps/v1
kind: Deployment
metadata:
  name: «noun»-worker
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: worker
          image: ghcr.io/acme/«repo»:1.13.0
''',
            (
                ("  replicas: 2\n", "  replicas: 3\n"),
                ("          image: ghcr.io/acme/«repo»:1.13.0\n",
                 "          image: ghcr.io/acme/«repo»:1.14.2\n"
                 "          resources:\n            limits:\n              cpu: \"1\"\n"
                 "              memory: 512Mi\n"),
            ),
            "deploy/workers/«noun»-worker.yaml",
        ),
    ),
}

# Files that most repositories have besides their main language.
SHARED_LANGUAGES = ("markdown", "yaml")
