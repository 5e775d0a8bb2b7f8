import "server-only";
import { exportJwk, generateCryptoKeyPair, importJwk } from "@fedify/fedify";
import type { Db } from "../server/db";

// The actor's key pairs: RSA for HTTP Signatures (what Mastodon checks) and Ed25519 for object
// integrity proofs. Made once, by the first instance that needs them, and kept in the database
// (SiteSetting "fediverse-keys"): every instance signs with the same keys, and a restart keeps
// the identity followers know. The insert is the claim: of two instances making keys at once,
// one row is written and both read it back.

const SETTING = "fediverse-keys";

type StoredPair = { privateKey: JsonWebKey; publicKey: JsonWebKey };

async function makePairs(): Promise<StoredPair[]> {
  const pairs = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")];
  return Promise.all(
    pairs.map(async (pair) => ({
      privateKey: await exportJwk(pair.privateKey),
      publicKey: await exportJwk(pair.publicKey),
    })),
  );
}

async function storedPairs(db: Db): Promise<StoredPair[]> {
  const row = await db.siteSetting.findUnique({ where: { key: SETTING } });
  if (row) return JSON.parse(row.value) as StoredPair[];
  const value = JSON.stringify(await makePairs());
  try {
    await db.siteSetting.create({ data: { key: SETTING, value } });
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
  const written = await db.siteSetting.findUniqueOrThrow({ where: { key: SETTING } });
  return JSON.parse(written.value) as StoredPair[];
}

const cache = new WeakMap<Db, Promise<CryptoKeyPair[]>>();

/** The actor's two key pairs, read (or made) once per database client. */
export function actorKeyPairs(db: Db): Promise<CryptoKeyPair[]> {
  let pairs = cache.get(db);
  if (!pairs) {
    pairs = storedPairs(db).then((stored) =>
      Promise.all(
        stored.map(async (pair) => ({
          privateKey: await importJwk(pair.privateKey, "private"),
          publicKey: await importJwk(pair.publicKey, "public"),
        })),
      ),
    );
    pairs.catch(() => cache.delete(db));
    cache.set(db, pairs);
  }
  return pairs;
}
