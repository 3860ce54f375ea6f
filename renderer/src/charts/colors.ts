// Colours that tell layers apart on the same chart, the same layer in the same colour everywhere.
import { schemeTableau10 } from 'd3';

export const layerColor = (i: number) => schemeTableau10[i % 10];
