-- The block hierarchy: district → subdistrict → community → grid. Small (thousands of rows):
-- in a sharded deployment this is a reference table replicated to every node.
CREATE TABLE areas (
  id text PRIMARY KEY,
  name text NOT NULL,
  level text NOT NULL CHECK (level IN ('district', 'subdistrict', 'community', 'grid')),
  parent_id text REFERENCES areas (id),
  path text[] NOT NULL,                    -- ancestor ids from the district down to this area itself
  geometry jsonb NOT NULL,                 -- GeoJSON Polygon or MultiPolygon, WGS84
  bbox double precision[] NOT NULL,        -- [minLng, minLat, maxLng, maxLat]
  area_m2 double precision NOT NULL,
  import_id bigint REFERENCES imports (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX areas_parent ON areas (parent_id);
CREATE INDEX areas_level ON areas (level);
CREATE INDEX areas_path ON areas USING gin (path);
