-- A rate-limit place in one round trip (lib/comments/rate-limit.ts): under an advisory lock of the
-- key, read its newest hits of the longest window and add one unless a window is full. Written by
-- hand (Prisma's schema has no functions): it replaces a transaction of five statements.
-- Each statement of a volatile function sees the rows committed before it began, so the read
-- after the lock sees every hit of whoever held the lock before.
CREATE FUNCTION "reserveRateLimitHit"(
    "hitKey" TEXT,
    "at" TIMESTAMP(3),
    "take" INTEGER,
    "limits" INTEGER[],
    "seconds" INTEGER[]
) RETURNS TABLE ("id" INTEGER, "earlier" TIMESTAMP(3)[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    "found" TIMESTAMP(3)[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext("hitKey"));
    SELECT coalesce(array_agg(h."createdAt" ORDER BY h."createdAt" DESC), '{}') INTO "found"
    FROM (
        SELECT r."createdAt" FROM "RateLimitHit" r
        WHERE r."key" = "hitKey" AND r."createdAt" > "at" - make_interval(secs => (SELECT max(s) FROM unnest("seconds") s))
        ORDER BY r."createdAt" DESC
        LIMIT "take"
    ) h;
    IF EXISTS (
        SELECT 1 FROM unnest("limits", "seconds") w("limit", "window")
        WHERE (SELECT count(*) FROM unnest("found") t WHERE t > "at" - make_interval(secs => w."window")) >= w."limit"
    ) THEN
        RETURN QUERY SELECT NULL::INTEGER, "found";
    ELSE
        RETURN QUERY INSERT INTO "RateLimitHit" ("key", "createdAt") VALUES ("hitKey", "at") RETURNING "RateLimitHit"."id", "found";
    END IF;
END
$$;
