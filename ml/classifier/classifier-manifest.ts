// The classifier folder's manifest.json: the fields anything reads back (the rest is a record for people, kept as
// written when a command rewrites the file).
import { z } from 'zod';
import { readJsonFile } from '../read-json-file.ts';

export const ClassifierManifestSchema = z.looseObject({
  command: z.string().optional(),
  data: z
    .looseObject({
      dataHash: z.string().optional(),
      handRepeat: z.number().int().nonnegative().optional(),
      /** What the LSTM learned from: `{ kind: 'label-model' }` or a teacher record (self-training). */
      targets: z.looseObject({ kind: z.string(), stackerTrainedOn: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
  inference: z
    .looseObject({
      labelModelWeight: z.number().min(0).max(1).optional(),
      stacker: z.looseObject({ trainedOn: z.array(z.string()).optional(), date: z.string().optional() }).optional(),
    })
    .optional(),
});

export type ClassifierManifest = z.output<typeof ClassifierManifestSchema>;

export function readClassifierManifest(path: string): ClassifierManifest {
  return readJsonFile(path, ClassifierManifestSchema);
}
