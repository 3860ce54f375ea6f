// The datasets a spec can name (`{type: "dataset", name, split}`) instead of giving file paths, so
// a spec runs on any machine that has the files somewhere the engine looks. What each dataset is
// and which files make it live here, beside the spec's schema that offers the names; where the
// files are found is the engine's business (main/engine/data/registry.ts).

/** The two IDX files of one split, by their published names (each may also be gzip-compressed, with `.gz`). */
export interface IdxFileNames { images: string; labels: string }

export interface KnownDataset {
  /** what it is, in a few words (doctor, the docs) */
  title: string;
  files: { train: IdxFileNames; test: IdxFileNames };
  /** names of the classes, in label order */
  classNames: readonly string[];
  /** the Debian/Ubuntu package that installs it in /usr/share/datasets/<name>, where there is one */
  debianPackage?: string;
}

// MNIST and Fashion-MNIST publish their files under the same names: each dataset has a folder of its own.
const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export const DATASETS = {
  'fashion-mnist': {
    title: 'Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28x28 grayscale, 10 classes',
    files: MNIST_FILES,
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    debianPackage: 'dataset-fashion-mnist',
  },
  mnist: {
    title: 'MNIST: 60,000 training and 10,000 test handwritten digits, 28x28 grayscale, 10 classes',
    files: MNIST_FILES,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
} as const satisfies Record<string, KnownDataset>;

export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as [DatasetName, ...DatasetName[]];
export const DATASET_SPLITS = ['train', 'test'] as const;
export type DatasetSplit = (typeof DATASET_SPLITS)[number];

/** The four file names of a dataset, in the order users are told them: train images, train labels, test images, test labels. */
export function datasetFileNames(name: DatasetName): string[] {
  const f: KnownDataset['files'] = DATASETS[name].files;
  return DATASET_SPLITS.flatMap((s) => [f[s].images, f[s].labels]);
}
